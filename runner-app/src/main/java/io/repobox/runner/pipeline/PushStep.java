package io.repobox.runner.pipeline;

/**
 * Pushes the runner's commit to the job's repository URL (never a remote the agent could have
 * renamed; hooks off; the token offered by the host-scoped credential helper only for this command);
 * only a branch that now exists is recorded on the job.
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
    public void run(JobContext ctx) throws StepFailure, InterruptedException, java.io.IOException {
        ctx.out().runner("Pushing " + ctx.branch());
        try {
            ctx.git(this, (repository, control) -> {
                repository.push(ctx.url(), ctx.branch(), control);
                return null;
            });
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
