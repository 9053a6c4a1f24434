package io.repobox.runner.config;

/** A setting is malformed or missing; the message names the variable or flag and what is accepted. */
public class ConfigurationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ConfigurationException(String message) {
        super(message);
    }
}
