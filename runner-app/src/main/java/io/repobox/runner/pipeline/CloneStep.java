package io.repobox.runner.pipeline;

import java.io.IOException;

/**
 * Clones the repository with the runner's own git directory in the job's private directory (shallow,
 * no tags), starts the job's branch, and gives the working tree a {@code .git} of
 * its own for the agent; see {@link io.repobox.runner.git.TrustedRepository}.
 */
final class CloneStep implements Step {

    @Override
    public String doing() {
        return "cloning the repository";
    }

    @Override
    public void run(JobContext ctx) throws StepFailure, InterruptedException, IOException {
        ctx.out().runner("Cloning " + ctx.masker().mask(ctx.url().url()));
        ctx.git(this, (repository, control) -> {
            repository.cloneAndBranch(ctx.url(), ctx.branch(), control);
            return null;
        });
        ctx.out().runner("Working on new branch " + ctx.branch() + (ctx.repository().emptyAtClone() ? " (the repository is empty)" : ""));
    }
}
