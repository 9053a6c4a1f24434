package io.repobox.runner.pipeline;

import io.repobox.runner.job.FailureKind;
import io.repobox.runner.job.JobStatus;
import java.util.Optional;

/**
 * How a job ended: its final status, why it failed (empty on success) and the message for people
 * (empty on success; masked before it is written).
 */
public record JobOutcome(JobStatus status, Optional<FailureKind> failureKind, String message) {

    public static JobOutcome success() {
        return new JobOutcome(JobStatus.SUCCESS, Optional.empty(), "");
    }

    public static JobOutcome failed(FailureKind kind, String message) {
        return new JobOutcome(JobStatus.FAILED, Optional.of(kind), message);
    }

    public static JobOutcome cancelled(String message) {
        return new JobOutcome(JobStatus.CANCELLED, Optional.of(FailureKind.CANCELLED), message);
    }
}
