package io.repobox.agent.output;

/**
 * Where output lines go, one at a time, as they happen.
 *
 * <p>Implementations must be thread-safe: a provider delivers stdout and stderr lines from
 * different threads. {@link #accept} may block; blocking is how a sink applies backpressure
 * (the reader of the process pipe waits, so the process blocks on its next write). A sink that
 * cannot deliver a line throws an unchecked exception; the execution then stops the process
 * tree and ends as an internal error that quotes the exception's message.
 */
@FunctionalInterface
public interface OutputSink {

    /** Delivers one line. Never called with null. */
    void accept(OutputLine line);
}
