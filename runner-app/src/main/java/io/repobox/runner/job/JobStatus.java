package io.repobox.runner.job;

import java.util.Optional;

/** The job statuses of the contract: {@code pending → running → success | failed}, {@code cancelled} from either. */
public enum JobStatus {
    PENDING("pending"),
    RUNNING("running"),
    SUCCESS("success"),
    FAILED("failed"),
    CANCELLED("cancelled");

    private final String value;

    JobStatus(String value) {
        this.value = value;
    }

    /** The value stored in the job hash's {@code status} field. */
    public String value() {
        return value;
    }

    /** Whether a job with this status has ended (it is never run again). */
    public boolean isTerminal() {
        return this == SUCCESS || this == FAILED || this == CANCELLED;
    }

    /** The status a hash field holds, if it is one of the contract's; empty for a missing or unknown value. */
    public static Optional<JobStatus> parse(String value) {
        for (JobStatus s : values()) {
            if (s.value.equals(value)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** Whether {@code value} (a raw hash field, possibly null) is a final status. */
    public static boolean isTerminal(String value) {
        return parse(value).map(JobStatus::isTerminal).orElse(false);
    }

    @Override
    public String toString() {
        return value;
    }
}
