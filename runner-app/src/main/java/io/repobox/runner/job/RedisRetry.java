package io.repobox.runner.job;

import io.repobox.redis.Backoff;
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
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));
        while (true) {
            try {
                return action.get();
            } catch (RuntimeException e) {
                Duration wait = backoff.next();
                if (System.nanoTime() + wait.toNanos() > deadline) {
                    throw e;
                }
                log.warn("{} failed ({}); retrying in {} ms", what, e.getMessage(), wait.toMillis());
                if (!Backoff.pause(wait)) {
                    throw e;
                }
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
