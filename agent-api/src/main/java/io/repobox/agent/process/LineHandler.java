package io.repobox.agent.process;

import io.repobox.agent.output.OutputLine;
import io.repobox.agent.output.OutputSink;

/**
 * Receives the lines of a process as they are read.
 *
 * <p>Called from the stdout and stderr reader threads, possibly at the same time, so
 * implementations must be thread-safe. Blocking is allowed and is how backpressure reaches the
 * process. An unchecked exception means the line could not be delivered: the execution stops the
 * process tree and ends with {@link ProcessResult.Outcome#ERROR}.
 */
@FunctionalInterface
public interface LineHandler {

    /**
     * @param stream    the stream the line was printed on
     * @param text      the line, masked, without its terminator, valid UTF-8, at most the spec's
     *                  maximum line length in bytes
     * @param timestamp epoch milliseconds when the line was read
     */
    void onLine(OutputLine.Stream stream, String text, long timestamp);

    /** A handler that forwards every line to {@code sink} as coming from {@code source}. */
    static LineHandler to(OutputSink sink, OutputLine.Source source) {
        return (stream, text, timestamp) -> sink.accept(new OutputLine(timestamp, stream, source, text));
    }
}
