package io.repobox.runner.service;

import io.repobox.runner.job.JobQueue;
import io.repobox.runner.pipeline.JobControl;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The jobs this runner runs, and its MAX_CONCURRENT_JOBS slots as a {@link Semaphore}: a job takes
 * a slot before it is claimed and gives it back when it has ended (final record, end marker,
 * acknowledgement). Waiting for free slots or for the runner to be idle is waiting on the semaphore.
 * Thread-safe.
 */
final class RunningJobs {

    /** A job this runner runs: its queue entry, its user (for the per-user slot) and how to stop it. */
    record Running(JobQueue.Entry entry, String userId, JobControl control) {
    }

    private final int capacity;
    private final Semaphore free;
    private final Map<String, Running> byId = new ConcurrentHashMap<>();

    RunningJobs(int capacity) {
        this.capacity = capacity;
        this.free = new Semaphore(capacity);
    }

    /** Takes a slot for a job about to be claimed; false if all are taken. */
    boolean reserve() {
        return free.tryAcquire();
    }

    /** Gives back a slot taken by {@link #reserve} for a job that did not start. */
    void unreserve() {
        free.release();
    }

    /** Records a started job (its slot reserved). */
    void started(String jobId, Running running) {
        byId.put(jobId, running);
    }

    /** Forgets an ended job and frees its slot. */
    void ended(String jobId) {
        byId.remove(jobId);
        free.release();
    }

    /** Whether this runner runs {@code jobId}; false for null (an entry without a job id). */
    boolean contains(String jobId) {
        return jobId != null && byId.containsKey(jobId);
    }

    Map<String, Running> all() {
        return byId;
    }

    int size() {
        return byId.size();
    }

    int freeSlots() {
        return free.availablePermits();
    }

    /** Waits until at least {@code count} slots (at most all of them) are free at once, for at most {@code timeout}. */
    boolean awaitFree(int count, Duration timeout) throws InterruptedException {
        count = Math.min(count, capacity);
        if (free.tryAcquire(count, timeout.toNanos(), TimeUnit.NANOSECONDS)) {
            free.release(count);
            return true;
        }
        return false;
    }

    /** Waits until no job runs, for at most {@code timeout}. */
    boolean awaitIdle(Duration timeout) throws InterruptedException {
        return awaitFree(capacity, timeout);
    }
}
