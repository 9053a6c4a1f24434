package io.repobox.runner.cli;

import io.repobox.agent.AgentResult;

/** The contract's exit codes for commands that run or follow a job. */
public final class ExitCodes {

    public static final int SUCCESS = 0;
    /** The agent failed: non-zero exit or an error result. */
    public static final int AGENT_FAILED = 1;
    /** Usage or configuration error. */
    public static final int USAGE = 2;
    /** Internal error: the agent could not start, git failed, Redis unreachable. */
    public static final int INTERNAL = 3;
    /**
     * {@code submit --follow} or {@code logs --follow} stopped following (Ctrl-C) while the job goes on;
     * an addition to the contract's codes.
     */
    public static final int STOPPED_FOLLOWING = 4;
    public static final int TIMED_OUT = 124;
    public static final int CANCELLED = 130;

    private ExitCodes() {
    }

    public static int of(AgentResult.Outcome outcome) {
        return switch (outcome) {
            case SUCCEEDED -> SUCCESS;
            case FAILED -> AGENT_FAILED;
            case TIMED_OUT, IDLE -> TIMED_OUT;
            case CANCELLED -> CANCELLED;
            case INTERNAL_ERROR -> INTERNAL;
        };
    }
}
