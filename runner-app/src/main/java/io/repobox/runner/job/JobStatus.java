package io.repobox.runner.job;

/** The job statuses of the contract. */
public final class JobStatus {

    public static final String PENDING = "pending";
    public static final String RUNNING = "running";
    public static final String SUCCESS = "success";
    public static final String FAILED = "failed";
    public static final String CANCELLED = "cancelled";

    private JobStatus() {
    }

    public static boolean isTerminal(String status) {
        return SUCCESS.equals(status) || FAILED.equals(status) || CANCELLED.equals(status);
    }
}
