package io.repobox.runner.job;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the runner writes on a job's hash when the job ends: its final status, why it failed, a
 * message for people (never a stack trace, never a secret: callers mask it), when it ended, and
 * what the job produced ({@code branch}, {@code lines_added}, {@code exit_code}, agent details).
 *
 * @param failureKind empty exactly when the status is {@code success}
 * @param details     further fields, written first (so they can never replace the four above)
 */
public record FinalRecord(JobStatus status, Optional<FailureKind> failureKind, String errorMessage, long finishedAt,
                          Map<String, String> details) {

    public FinalRecord {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(failureKind, "failureKind");
        Objects.requireNonNull(errorMessage, "errorMessage");
        if (!status.isTerminal()) {
            throw new IllegalArgumentException("a final record needs a final status, not " + status);
        }
        if (failureKind.isPresent() == (status == JobStatus.SUCCESS)) {
            throw new IllegalArgumentException("a failure kind goes with a failed or cancelled job, not " + status);
        }
        details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    public static FinalRecord success(long finishedAt, Map<String, String> details) {
        return new FinalRecord(JobStatus.SUCCESS, Optional.empty(), "", finishedAt, details);
    }

    /** A failed job (status {@code cancelled} for {@link FailureKind#CANCELLED}, else {@code failed}). */
    public static FinalRecord failed(FailureKind kind, String message, long finishedAt, Map<String, String> details) {
        JobStatus status = kind == FailureKind.CANCELLED ? JobStatus.CANCELLED : JobStatus.FAILED;
        return new FinalRecord(status, Optional.of(kind), message, finishedAt, details);
    }

    /** The hash fields, in the order they are written. */
    public Map<String, String> fields() {
        Map<String, String> fields = new LinkedHashMap<>(details);
        fields.put("status", status.value());
        fields.put("finished_at", Long.toString(finishedAt));
        fields.put("error_message", errorMessage);
        fields.put("failure_kind", failureKind.map(FailureKind::value).orElse(""));
        return fields;
    }
}
