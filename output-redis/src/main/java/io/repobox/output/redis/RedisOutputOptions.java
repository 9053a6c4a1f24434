package io.repobox.output.redis;

import java.time.Duration;
import java.util.Objects;

/**
 * How the Redis output behaves. Immutable and validated when built; start from
 * {@link #builder(String)}.
 *
 * @param url              REDIS_URL: {@code redis://}, {@code rediss://}, {@code redis-sentinel://…#master},
 *                         or {@code redis-cluster://h1:p1,h2:p2}
 * @param maxLines         AI_MAX_OUTPUT_LINES: line entries kept per job; later lines are counted and
 *                         reported in one notice entry
 * @param ttl              OUTPUT_TTL: how long a job's stream is kept after its end marker
 * @param outageTimeout    how long a write may wait for Redis (down, restarting, paused) before the job's
 *                         sink fails; lines produced meanwhile are kept and written after the reconnect
 * @param bufferBytes      per job, how many bytes of lines may wait for Redis before the producer is made
 *                         to wait (backpressure)
 * @param commandTimeout   the timeout of a single Redis command
 */
public record RedisOutputOptions(String url, int maxLines, Duration ttl, Duration outageTimeout, int bufferBytes,
                                 Duration commandTimeout) {

    public static final int DEFAULT_MAX_LINES = 10_000;
    public static final Duration DEFAULT_TTL = Duration.ofDays(1);
    public static final Duration DEFAULT_OUTAGE_TIMEOUT = Duration.ofMinutes(1);
    public static final int DEFAULT_BUFFER_BYTES = 4 * 1024 * 1024;
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(10);

    public RedisOutputOptions {
        Objects.requireNonNull(url, "url");
        if (maxLines < 1) {
            throw new IllegalArgumentException("maxLines must be at least 1, got " + maxLines);
        }
        requirePositive(ttl, "ttl");
        requirePositive(outageTimeout, "outageTimeout");
        requirePositive(commandTimeout, "commandTimeout");
        if (bufferBytes < 64 * 1024) {
            throw new IllegalArgumentException("bufferBytes must be at least 64 KiB, got " + bufferBytes);
        }
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
    }

    public static Builder builder(String url) {
        return new Builder(url);
    }

    /** Builds {@link RedisOutputOptions}. Not thread-safe. */
    public static final class Builder {
        private final String url;
        private int maxLines = DEFAULT_MAX_LINES;
        private Duration ttl = DEFAULT_TTL;
        private Duration outageTimeout = DEFAULT_OUTAGE_TIMEOUT;
        private int bufferBytes = DEFAULT_BUFFER_BYTES;
        private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;

        private Builder(String url) {
            this.url = url;
        }

        public Builder maxLines(int maxLines) {
            this.maxLines = maxLines;
            return this;
        }

        public Builder ttl(Duration ttl) {
            this.ttl = ttl;
            return this;
        }

        public Builder outageTimeout(Duration outageTimeout) {
            this.outageTimeout = outageTimeout;
            return this;
        }

        public Builder bufferBytes(int bufferBytes) {
            this.bufferBytes = bufferBytes;
            return this;
        }

        public Builder commandTimeout(Duration commandTimeout) {
            this.commandTimeout = commandTimeout;
            return this;
        }

        public RedisOutputOptions build() {
            return new RedisOutputOptions(url, maxLines, ttl, outageTimeout, bufferBytes, commandTimeout);
        }
    }
}
