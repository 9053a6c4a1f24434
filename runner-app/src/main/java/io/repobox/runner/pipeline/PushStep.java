package io.repobox.runner.pipeline;

/**
 * Pushes the job's branch to the repository URL (hooks off, the token offered by the credential
 * helper only for this command); only a branch that now exists is recorded on the job.
 */
final class PushStep implements Step {

    @Override
    public String doing() {
        return "pushing the branch";
    }

    @Override
    public boolean applies(JobContext ctx) {
        return ctx.changedFiles() > 0;
    }

    @Override
    public void run(JobContext ctx) throws StepFailure, InterruptedException {
        ctx.out().runner("Pushing " + ctx.branch());
        ctx.git(this, ctx.repo(), true, "push", "--no-verify", "--porcelain", "--", ctx.url().url(), "HEAD:refs/heads/" + ctx.branch());
        ctx.out().runner("Pushed " + ctx.branch());
        ctx.details().put("branch", ctx.branch());
    }
}
