package io.repobox.agent.testing;

import io.repobox.agent.output.OutputLine;
import io.repobox.agent.output.OutputSink;
import io.repobox.agent.process.LineHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Records lines and lets a test wait for a particular one: the synchronisation point for tests
 * that act on an event (a line was printed) instead of sleeping.
 */
public final class RecordingHandler implements LineHandler, OutputSink {

    /** The safety net for waits: a generous bound that only a broken test reaches. */
    public static final Duration SAFETY_NET = Duration.ofSeconds(60);

    private final List<OutputLine> lines = new ArrayList<>();

    @Override
    public synchronized void onLine(OutputLine.Stream stream, String text, long timestamp) {
        lines.add(new OutputLine(timestamp, stream, OutputLine.Source.AGENT, text));
        notifyAll();
    }

    @Override
    public synchronized void accept(OutputLine line) {
        lines.add(line);
        notifyAll();
    }

    public synchronized List<OutputLine> lines() {
        return List.copyOf(lines);
    }

    public synchronized List<String> texts() {
        return lines.stream().map(OutputLine::text).toList();
    }

    public synchronized List<String> texts(OutputLine.Stream stream) {
        return lines.stream().filter(l -> l.stream() == stream).map(OutputLine::text).toList();
    }

    /** Waits until a line matching {@code condition} has arrived; fails after the safety net. */
    public synchronized OutputLine awaitLine(Predicate<OutputLine> condition) throws InterruptedException {
        long deadline = System.nanoTime() + SAFETY_NET.toNanos();
        while (true) {
            for (OutputLine line : lines) {
                if (condition.test(line)) {
                    return line;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no matching line within " + SAFETY_NET + "; got " + texts());
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    /** Waits for a line whose text equals {@code text}. */
    public OutputLine awaitText(String text) throws InterruptedException {
        return awaitLine(l -> l.text().equals(text));
    }
}
