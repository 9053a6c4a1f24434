package io.repobox.agent;

/**
 * The base of the few unchecked exceptions this API throws. Messages are written for the person
 * who reads them: they name the provider, key or file concerned and say what to do.
 *
 * <p>Outcomes that a caller branches on (timed out, exited with a code, cancelled) are never
 * exceptions; they are {@link AgentResult} values.
 */
public class AgentException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public AgentException(String message) {
        super(message);
    }

    public AgentException(String message, Throwable cause) {
        super(message, cause);
    }
}
