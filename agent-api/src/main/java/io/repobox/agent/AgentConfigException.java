package io.repobox.agent;

/** A configuration value is missing or malformed; the message names the key and the value. */
public class AgentConfigException extends AgentException {

    private static final long serialVersionUID = 1L;

    public AgentConfigException(String message) {
        super(message);
    }
}
