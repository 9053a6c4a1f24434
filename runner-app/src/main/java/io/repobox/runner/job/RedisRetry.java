package io.repobox.runner.job;

import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries a Redis operation that must not be lost (a job's final status, its end marker) while
 * Redis restarts or is briefly unreachable, with backoff, for a bounded time.
 */
public final class RedisRetry {

    private static final Logger log = LoggerFactory.getLogger(RedisRetry.class);

    /** How long a must-not-lose write is retried before giving up. */
    static final Duration PATIENCE = Duration.ofMinutes(2);

    private RedisRetry() {
    }

    public static <T> T call(String what, Supplier<T> action) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        long backoff = 100;
        while (true) {
            try {
                return action.get();
            } catch (RuntimeException e) {
                if (System.nanoTime() + backoff * 1_000_000 > deadline) {
                    throw e;
                }
                log.warn("{} failed ({}); retrying in {} ms", what, e.getMessage(), backoff);
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                backoff = Math.min(5_000, backoff * 2);
            }
        }
    }

    public static void run(String what, Runnable action) {
        call(what, () -> {
            action.run();
            return null;
        });
    }
}
