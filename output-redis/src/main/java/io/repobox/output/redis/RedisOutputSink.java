package io.repobox.output.redis;

import io.repobox.agent.output.OutputLine;
import io.repobox.agent.output.OutputSink;
import io.repobox.output.redis.internal.JobOutputBuffer;
import io.repobox.output.redis.internal.StreamWriter;
import java.time.Duration;

/**
 * Writes one job's output lines to its stream {@code job:{id}:output}, one entry per line.
 *
 * <p>{@link #accept} queues the line and returns; the shared writer sends it at once (batched
 * with whatever else is queued). When Redis is slower than the process, or away, {@code accept}
 * waits once the job's buffer is full, which makes the process wait on its pipe: memory stays
 * bounded and nothing is dropped silently. If Redis stays away longer than the outage timeout,
 * {@code accept} throws {@link RedisOutputException}, and the process core ends the job as an
 * internal error quoting it. Thread-safe.
 */
public final class RedisOutputSink implements OutputSink, AutoCloseable {

    private final JobOutputBuffer stream;
    private final StreamWriter writer;
    private final RedisOutputOptions options;
    private final Duration closeTimeout;

    RedisOutputSink(JobOutputBuffer stream, StreamWriter writer, RedisOutputOptions options) {
        this.stream = stream;
        this.writer = writer;
        this.options = options;
        this.closeTimeout = options.outageTimeout().plusSeconds(5);
    }

    /** The stream's key. */
    public String key() {
        return stream.key();
    }

    @Override
    public void accept(OutputLine line) {
        stream.offerLine(line);
    }

    /**
     * Ends the output: writes the notice if lines were left out, then the end marker carrying
     * {@code status}, sets the stream's TTL, and waits until all of it is in Redis. Idempotent.
     *
     * @throws RedisOutputException if it cannot be written within the outage timeout
     */
    public void end(String status) throws InterruptedException {
        stream.offerEnd(status, options.maxLines());
        flush();
    }

    /**
     * Waits until every accepted line is in Redis.
     *
     * @throws RedisOutputException if that takes longer than the outage timeout (plus 5 s)
     */
    public void flush() throws InterruptedException {
        if (!stream.awaitWritten(closeTimeout)) {
            throw new RedisOutputException("output for " + key() + " was not written within " + closeTimeout.toSeconds() + "s");
        }
    }

    /** Lines stored so far (at most the cap). */
    public long storedLines() {
        return stream.storedLines();
    }

    /** Lines left out because of the cap. */
    public long droppedLines() {
        return stream.droppedLines();
    }

    /**
     * Flushes what is queued (bounded by the outage timeout) and releases the job's state. No end
     * marker. An interrupt stops the wait (the lines still queued are given up) and stays set on the
     * thread, so that try-with-resources needs no handler for it.
     */
    @Override
    public void close() {
        try {
            stream.awaitWritten(closeTimeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            writer.release(stream);
        }
    }
}
