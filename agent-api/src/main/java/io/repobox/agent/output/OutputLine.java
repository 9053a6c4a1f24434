package io.repobox.agent.output;

import java.util.Objects;

/**
 * One line of output, as it leaves a provider or the runner.
 *
 * <p>The fields map one to one onto an entry of the job's output stream ({@code timestamp},
 * {@code stream}, {@code source}, {@code line}). {@code text} never contains a newline and is
 * already masked: secrets have been replaced before the line reaches a sink.
 *
 * @param timestamp epoch milliseconds when the line was read from the process (or produced by the runner)
 * @param stream    which standard stream the line belongs to
 * @param source    who printed it: the agent process, the pre-run hook or the runner itself
 * @param text      the text, without its line terminator; never null
 * @param event     the raw structured event (JSON) this line was rendered from, for consumers that build
 *                  a richer view; set on the first line rendered from an event, otherwise null
 */
public record OutputLine(long timestamp, Stream stream, Source source, String text, String event) {

    /** The standard stream a line was printed on. */
    public enum Stream {
        STDOUT("stdout"), STDERR("stderr");

        private final String wireName;

        Stream(String wireName) {
            this.wireName = wireName;
        }

        /** The value used in the output stream's {@code stream} field. */
        public String wireName() {
            return wireName;
        }
    }

    /** Who produced a line. */
    public enum Source {
        /** The agent process (or a process it started) printed it. */
        AGENT("agent"),
        /** The environment's pre-run hook (or a process it started) printed it: as untrusted as the agent. */
        HOOK("hook"),
        /** The runner's own progress and error lines; nothing the agent or the hook prints is ever given this source. */
        RUNNER("runner");

        private final String wireName;

        Source(String wireName) {
            this.wireName = wireName;
        }

        /** The value used in the output stream's {@code source} field. */
        public String wireName() {
            return wireName;
        }
    }

    public OutputLine {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(text, "text");
    }

    /** A line with no raw event. */
    public OutputLine(long timestamp, Stream stream, Source source, String text) {
        this(timestamp, stream, source, text, null);
    }

    /** A line the agent printed on stdout, stamped now. */
    public static OutputLine agentStdout(String text) {
        return new OutputLine(System.currentTimeMillis(), Stream.STDOUT, Source.AGENT, text);
    }

    /** A line the agent printed on stderr, stamped now. */
    public static OutputLine agentStderr(String text) {
        return new OutputLine(System.currentTimeMillis(), Stream.STDERR, Source.AGENT, text);
    }

    /** A progress line of the runner's own, stamped now. */
    public static OutputLine runner(String text) {
        return new OutputLine(System.currentTimeMillis(), Stream.STDOUT, Source.RUNNER, text);
    }

    /** An error line of the runner's own, stamped now. */
    public static OutputLine runnerError(String text) {
        return new OutputLine(System.currentTimeMillis(), Stream.STDERR, Source.RUNNER, text);
    }
}
