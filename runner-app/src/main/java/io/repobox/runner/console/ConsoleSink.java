package io.repobox.runner.console;

import io.repobox.agent.OutputLine;
import io.repobox.agent.OutputSink;
import java.io.PrintWriter;

/**
 * Prints output lines for a person at a terminal: the agent's stdout on stdout, its stderr on
 * stderr, and the runner's own lines on stderr behind {@code [runner]}, so that stdout carries
 * only what the agent printed. Thread-safe; flushes every line, so output is live.
 */
public final class ConsoleSink implements OutputSink {

    private final PrintWriter out;
    private final PrintWriter err;

    public ConsoleSink(PrintWriter out, PrintWriter err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public void accept(OutputLine line) {
        PrintWriter target = line.source() == OutputLine.Source.AGENT && line.stream() == OutputLine.Stream.STDOUT ? out : err;
        String text = line.source() == OutputLine.Source.RUNNER ? "[runner] " + line.text() : line.text();
        synchronized (target) {
            target.println(text);
            target.flush();
        }
    }
}
