package io.repobox.runner.job;

import io.repobox.agent.AgentResult;

/** Why a job did not succeed: the contract's {@code failure_kind} values. */
public enum FailureKind {
    /** The job, the agent or the hook overran its timeout. */
    TIMEOUT("timeout"),
    /** The agent or the hook exited with a non-zero code (or the agent reported an error). */
    EXIT("exit"),
    /** The runner's side failed: git, the workspace, the configuration, Redis, a process that could not start. */
    INTERNAL("internal"),
    /** A cancel request, or the runner shutting down. */
    CANCELLED("cancelled"),
    /** The agent printed nothing for longer than its idle timeout. */
    IDLE("idle");

    private final String value;

    FailureKind(String value) {
        this.value = value;
    }

    /** The value stored in the job hash's {@code failure_kind} field. */
    public String value() {
        return value;
    }

    /** The kind a {@code failure_kind} value names; an unknown or missing value is {@link #INTERNAL}. */
    public static FailureKind fromValue(String value) {
        for (FailureKind k : values()) {
            if (k.value.equals(value)) {
                return k;
            }
        }
        return INTERNAL;
    }

    /** The kind an agent's unsuccessful outcome is recorded as; {@link #INTERNAL} for a success, which is no failure to record. */
    public static FailureKind of(AgentResult.Outcome outcome) {
        return switch (outcome) {
            case FAILED -> EXIT;
            case TIMED_OUT -> TIMEOUT;
            case IDLE -> IDLE;
            case CANCELLED -> CANCELLED;
            case INTERNAL_ERROR, SUCCEEDED -> INTERNAL;
        };
    }

    @Override
    public String toString() {
        return value;
    }
}
