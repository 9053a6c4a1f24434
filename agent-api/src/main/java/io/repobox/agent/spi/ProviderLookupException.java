package io.repobox.agent.spi;

import io.repobox.agent.AgentException;

/**
 * No usable provider matches the requested name: none is on the classpath, the name is unknown,
 * or two providers claim the same name. The message lists what was found.
 */
public class ProviderLookupException extends AgentException {

    private static final long serialVersionUID = 1L;

    public ProviderLookupException(String message) {
        super(message);
    }
}
