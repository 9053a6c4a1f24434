package io.repobox.output.redis;

import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.repobox.output.redis.internal.JobOutputBuffer;
import io.repobox.redis.Redis;
import io.repobox.redis.RedisKeys;
import io.repobox.output.redis.internal.StreamWriter;
import java.time.Duration;
import java.util.List;

/**
 * Job output in Redis Streams: one instance per service, serving any number of jobs at once.
 *
 * <pre>{@code
 * try (RedisOutput output = RedisOutput.connect(RedisOutputOptions.builder("redis://localhost:6379").build())) {
 *     RedisOutputSink sink = output.openSink(jobId);
 *     AgentResult result = agent.run(request, sink);
 *     sink.end("success");
 *     sink.close();
 * }
 * }</pre>
 *
 * <p>All writes go through one connection and one writer thread (pipelined); each
 * {@link #follow follower} gets its own connection. Thread-safe.
 */
public final class RedisOutput implements AutoCloseable {

    private static final Duration WRITE_ATTEMPT_TIMEOUT = Duration.ofSeconds(2);

    private final RedisOutputOptions options;
    private final Redis connector;
    /** Whether {@link #close()} closes the client too: it does when {@link #connect} made it. */
    private final boolean ownsClient;
    /** Whether {@link #close()} closes the connection of the reads: not when the caller shares its own. */
    private final boolean ownsCommands;
    private final Redis.Connection commands;
    private final Redis.Connection writes;
    private final StreamWriter writer;
    private final Thread writerThread;

    private RedisOutput(RedisOutputOptions options, Redis connector, boolean ownsClient, Redis.Connection reads) {
        this.options = options;
        this.connector = connector;
        this.ownsClient = ownsClient;
        this.ownsCommands = reads == null;
        // Writes are idempotent (explicit ids), so a write lost in a crash is simply sent again after
        // a short timeout rather than after the general command timeout.
        if (reads == null) {
            List<Redis.Connection> connections = connector.connectAll(options.commandTimeout(), WRITE_ATTEMPT_TIMEOUT);
            this.commands = connections.get(0);
            this.writes = connections.get(1);
        } else {
            this.commands = reads;
            this.writes = connector.connect(WRITE_ATTEMPT_TIMEOUT);
        }
        this.writer = new StreamWriter(writes, options.outageTimeout(), options.ttl());
        this.writerThread = new Thread(writer, "repobox-redis-output-writer");
        writerThread.setDaemon(true);
        writerThread.start();
    }

    /**
     * Connects to the Redis of {@code options} with a client of its own, closed with this output.
     *
     * @throws RedisOutputException if Redis cannot be reached; the message names the server without credentials
     */
    public static RedisOutput connect(RedisOutputOptions options) {
        Redis connector = Redis.create(options.url(), options.commandTimeout());
        try {
            return new RedisOutput(options, connector, true, null);
        } catch (RuntimeException e) {
            connector.close();
            throw new RedisOutputException("cannot connect to Redis at " + connector.safeUrl() + ": " + Redis.rootMessage(e), e);
        }
    }

    /**
     * An output over {@code redis}, the process's shared client (the options' URL is not used); closing
     * the output leaves the client open.
     *
     * @throws RedisOutputException if Redis cannot be reached; the message names the server without credentials
     */
    public static RedisOutput create(Redis redis, RedisOutputOptions options) {
        return create(redis, null, options);
    }

    /**
     * An output over {@code redis} whose reads go through {@code reads}, an open connection of the
     * caller's to the same server (a runner shares its commands connection, one connection fewer): the
     * output opens only the connection it writes through. Closing the output leaves the client and
     * {@code reads} open. A null {@code reads} is {@link #create(Redis, RedisOutputOptions)}.
     *
     * @throws RedisOutputException if Redis cannot be reached; the message names the server without credentials
     */
    public static RedisOutput create(Redis redis, Redis.Connection reads, RedisOutputOptions options) {
        try {
            return new RedisOutput(options, redis, false, reads);
        } catch (RuntimeException e) {
            throw new RedisOutputException("cannot connect to Redis at " + redis.safeUrl() + ": " + Redis.rootMessage(e), e);
        }
    }

    /** The stream key of a job's output: {@code job:{id}:output}. */
    public static String outputKey(String jobId) {
        return RedisKeys.output(jobId);
    }

    /**
     * A sink for {@code jobId}'s output. Entries it writes sort after anything the stream already holds.
     *
     * @throws RedisOutputException if Redis cannot be read
     */
    public RedisOutputSink openSink(String jobId) {
        String key = outputKey(jobId);
        String lastId;
        try {
            List<StreamMessage<String, String>> last = commands.call(c -> c.xrevrange(key, Range.create("-", "+"),
                    io.lettuce.core.Limit.from(1)));
            lastId = last.isEmpty() ? null : last.get(0).getId();
        } catch (RuntimeException e) {
            throw new RedisOutputException("cannot read " + key + " from Redis at " + connector.safeUrl() + ": " + Redis.rootMessage(e), e);
        }
        JobOutputBuffer stream = writer.open(key, lastId, options.maxLines(), options.bufferBytes());
        return new RedisOutputSink(stream, writer, options);
    }

    /** A cursor over {@code jobId}'s output after {@code afterId} (null or blank: from the start). */
    public OutputCursor follow(String jobId, String afterId) {
        try {
            return new OutputCursor(connector.connect(options.commandTimeout()), outputKey(jobId), afterId);
        } catch (RuntimeException e) {
            throw new RedisOutputException("cannot connect to Redis at " + connector.safeUrl() + ": " + Redis.rootMessage(e), e);
        }
    }

    /** The writer's counters (lines and bytes written, write calls and their time, retries), for metrics. */
    public OutputStats stats() {
        return writer.stats();
    }

    /** Stops the writer once queued output is written (bounded by the outage timeout), then disconnects. */
    @Override
    public void close() {
        writer.shutdown();
        try {
            writerThread.join(options.outageTimeout().plusSeconds(5).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writes.close();
        if (ownsCommands) {
            commands.close();
        }
        if (ownsClient) {
            connector.close();
        }
    }

}
