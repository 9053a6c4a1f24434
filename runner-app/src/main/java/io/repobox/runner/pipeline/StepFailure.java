package io.repobox.runner.pipeline;

import io.repobox.runner.job.FailureKind;

/** A step could not do its work: how the job fails, and the message for the job's record and output. */
public final class StepFailure extends Exception {

    private static final long serialVersionUID = 1L;
    private final FailureKind kind;

    public StepFailure(FailureKind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    /** An internal failure (git, the workspace, the configuration). */
    public static StepFailure internal(String message) {
        return new StepFailure(FailureKind.INTERNAL, message);
    }

    /** Appended to an idle stop's message: the setting that would let a quiet program run longer. */
    static final String IDLE_SETTING = "(AI_IDLE_TIMEOUT)";

    /** How a process step that did not succeed fails: its kind, and for an idle stop the setting to change. */
    static StepFailure of(FailureKind kind, String message) {
        return new StepFailure(kind, kind == FailureKind.IDLE ? message + " " + IDLE_SETTING : message);
    }

    public FailureKind kind() {
        return kind;
    }
}
