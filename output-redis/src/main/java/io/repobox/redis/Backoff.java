package io.repobox.redis;

import java.time.Duration;

/**
 * Exponential backoff for retrying Redis (the output writer, the runner's queue and store): the first wait, doubled after every failure up to a
 * ceiling, back to the first after a success. Not thread-safe: one per retrying loop.
 */
public final class Backoff {

    private final Duration first;
    private final Duration ceiling;
    private Duration next;

    public Backoff(Duration first, Duration ceiling) {
        if (first.isNegative() || first.isZero() || ceiling.compareTo(first) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < first <= ceiling, not " + first + " and " + ceiling);
        }
        this.first = first;
        this.ceiling = ceiling;
        this.next = first;
    }

    /** The wait before the next attempt; each call doubles the one after, up to the ceiling. */
    public Duration next() {
        Duration wait = next;
        next = next.multipliedBy(2).compareTo(ceiling) > 0 ? ceiling : next.multipliedBy(2);
        return wait;
    }

    /** After a success: the next failure waits the first wait again. */
    public void reset() {
        next = first;
    }

    /**
     * Waits {@code wait} before a retry; false (with the interrupt flag kept) if the thread was
     * interrupted, which means: stop retrying.
     */
    public static boolean pause(Duration wait) {
        try {
            Thread.sleep(wait.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
