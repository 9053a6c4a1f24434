package io.repobox.runner.pipeline;

import io.repobox.runner.sandbox.SandboxSettings;
import java.io.IOException;
import java.time.Duration;

/**
 * Clones the repository with the runner's own git directory in the job's private directory (shallow,
 * no tags), starts the job's branch, and gives the working tree a {@code .git} of
 * its own for the agent; see {@link io.repobox.runner.git.TrustedRepository}.
 *
 * <p>The clone runs outside the sandbox, so SANDBOX_MAX_WORKSPACE bounds it here, whatever SANDBOX
 * says: the workspace is measured every second while git runs (git is stopped when it passes the
 * limit) and once more at the end.
 */
final class CloneStep implements Step {

    private static final Duration WATCH_PERIOD = Duration.ofSeconds(1);

    /** SANDBOX_MAX_WORKSPACE in bytes; 0: no limit. */
    private final long maxWorkspace;

    CloneStep(long maxWorkspace) {
        this.maxWorkspace = maxWorkspace;
    }

    @Override
    public String doing() {
        return "cloning the repository";
    }

    @Override
    public void run(JobContext ctx) throws StepFailure, InterruptedException, IOException {
        ctx.out().runner("Cloning " + ctx.masker().mask(ctx.url().url()));
        if (maxWorkspace <= 0) {
            clone(ctx);
        } else {
            try (WorkspaceWatch watch = WorkspaceWatch.start(ctx.workspace(), maxWorkspace, WATCH_PERIOD, ctx.control()::interruptStep)) {
                try {
                    clone(ctx);
                } catch (StepFailure e) {
                    if (watch.exceeded()) {
                        throw tooBig(); // git was stopped for it: that is the cause, not what git said when it was killed
                    }
                    throw e;
                }
                if (watch.exceeded()) {
                    throw tooBig();
                }
            }
        }
        ctx.out().runner("Working on new branch " + ctx.branch() + (ctx.repository().emptyAtClone() ? " (the repository is empty)" : ""));
    }

    private void clone(JobContext ctx) throws StepFailure, InterruptedException, IOException {
        ctx.git(this, (repository, control) -> {
            repository.cloneAndBranch(ctx.url(), ctx.branch(), control);
            return null;
        });
    }

    private StepFailure tooBig() {
        return StepFailure.internal("The repository is too big: its clone passed SANDBOX_MAX_WORKSPACE ("
                + SandboxSettings.formatSize(maxWorkspace) + "). Raise SANDBOX_MAX_WORKSPACE, or make the repository smaller.");
    }
}
