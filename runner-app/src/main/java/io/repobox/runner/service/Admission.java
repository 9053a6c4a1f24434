package io.repobox.runner.service;

import io.repobox.runner.job.Job;
import io.repobox.runner.job.JobIds;
import io.repobox.runner.job.JobStatus;
import java.util.Optional;

/**
 * What a runner does with a queue entry, decided from what it knows about the entry's job: a pure
 * function, so that the rules (a job runs at most once, bad input is acknowledged rather than
 * redelivered forever, a stopped runner's job is recovered) can be read and tested in one place.
 * Taking a per-user slot and the claim itself are atomic in Redis and come after {@link #TAKE}.
 */
enum Admission {
    /** The entry has no valid job id: acknowledge it and skip it. */
    MALFORMED,
    /** This runner runs the job already (a redelivery): nothing to do. */
    OURS,
    /** The job's hash does not exist: acknowledge and skip. */
    MISSING,
    /** Another runner has the job running, or had: recover it if its lease is gone ({@link #shouldRecover}). */
    RUNNING_ELSEWHERE,
    /** The job ended, but its runner may have died before the end marker: complete its output, acknowledge. */
    ENDED,
    /** The job is not pending (cancelled before it started, or unknown status): acknowledge, never run. */
    NOT_PENDING,
    /** A pending job: take a slot of its user and claim it. */
    TAKE;

    /** Whether deciding on an entry naming {@code jobId} needs its job read from Redis. */
    static boolean needsJob(String jobId, boolean runningHere) {
        return JobIds.isValid(jobId) && !runningHere;
    }

    /**
     * Decides on an entry naming {@code jobId}.
     *
     * @param runningHere whether this runner runs that job now
     * @param job         the job (its hash, with the entry as fallback), if it exists; read only when {@link #needsJob}
     */
    static Admission of(String jobId, boolean runningHere, Optional<Job> job) {
        if (!JobIds.isValid(jobId)) {
            return MALFORMED;
        }
        if (runningHere) {
            return OURS;
        }
        if (job.isEmpty()) {
            return MISSING;
        }
        JobStatus status = job.get().status().orElse(null);
        if (status == JobStatus.PENDING) {
            return TAKE;
        }
        if (status == JobStatus.RUNNING) {
            return RUNNING_ELSEWHERE;
        }
        return status != null && status.isTerminal() && job.get().hasStartedAt() ? ENDED : NOT_PENDING;
    }

    /**
     * Whether a running job found in the queue must be recovered: nobody holds its lease (its runner
     * stopped), or this runner does from before a restart (it is not running it any more).
     */
    static boolean shouldRecover(String leaseOwner, String self) {
        return leaseOwner == null || leaseOwner.equals(self);
    }
}
