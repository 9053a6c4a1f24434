package io.repobox.output.redis;

/**
 * Redis could not be reached or refused a write for longer than allowed. The message names the
 * server (without credentials) or the stream, and the cause.
 */
public class RedisOutputException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public RedisOutputException(String message) {
        super(message);
    }

    public RedisOutputException(String message, Throwable cause) {
        super(message, cause);
    }
}
