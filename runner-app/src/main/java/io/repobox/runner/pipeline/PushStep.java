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
        try {
            ctx.git(this, ctx.repo(), true, "push", "--no-verify", "--porcelain", "--", ctx.url().url(), "HEAD:refs/heads/" + ctx.branch());
        } catch (StepFailure e) {
            throw rejection(ctx.lastGitStdout(), ctx.branch()).orElse(e);
        }
        ctx.out().runner("Pushed " + ctx.branch());
        ctx.details().put("branch", ctx.branch());
    }

    /**
     * git's hint lines do not say why a push was refused; its porcelain status line does ("!", the
     * ref, "[rejected] (already exists)"). A refusal is said in words, naming the branch.
     */
    static java.util.Optional<StepFailure> rejection(java.util.List<String> stdout, String branch) {
        for (String line : stdout) {
            String[] cols = line.split("\t");
            if (cols.length < 3 || !cols[0].equals("!")) {
                continue;
            }
            String summary = cols[2].trim();
            String why;
            if (summary.contains("already exists") || summary.contains("non-fast-forward") || summary.contains("fetch first")) {
                why = "the remote already has a branch " + branch + " (an earlier job whose id starts the same, or someone else, "
                        + "created it); nothing was overwritten";
            } else if (summary.startsWith("[remote rejected]")) {
                why = "the remote refused it: " + summary.replaceFirst("^\\[remote rejected\\] *", "").replaceAll("^\\(|\\)$", "");
            } else {
                why = "the remote refused it: " + summary;
            }
            return java.util.Optional.of(StepFailure.internal("Pushing the branch failed: " + why));
        }
        return java.util.Optional.empty();
    }
}
