package io.repobox.runner.pipeline;

import io.repobox.agent.event.SessionFacts;
import io.repobox.runner.git.TrustedRepository;
import java.io.IOException;
import java.util.Map;

/**
 * Commits the working tree's files with the runner's own git directory (nothing in the agent's
 * {@code .git} counts: its config, hooks, commits) and counts what differs from the clone's default
 * branch.
 */
final class CommitStep implements Step {

    @Override
    public String doing() {
        return "committing the changes";
    }

    @Override
    public void run(JobContext ctx) throws StepFailure, InterruptedException, IOException {
        // The working tree's files, committed with the runner's own git directory: nothing in the agent's .git counts.
        TrustedRepository.Changes stat = ctx.git(this, (repository, control) ->
                repository.commitWorkTree(commitMessage(ctx.job().id(), ctx.job().prompt()), control));
        ctx.details().put("lines_added", Long.toString(stat.added()));
        ctx.details().put("lines_removed", Long.toString(stat.removed()));
        ctx.changedFiles(stat.files());
        if (stat.files() == 0) {
            ctx.out().runner(nothingChanged(ctx.details()));
        } else {
            ctx.out().runner("Committed " + stat.files() + (stat.files() == 1 ? " file" : " files") + " (+" + stat.added()
                    + " −" + stat.removed() + ")");
        }
    }

    /**
     * Why there is nothing to commit, naming the settings when the permission mode refused the agent's tools.
     *
     * @param details what the agent reported (its {@link SessionFacts})
     */
    static String nothingChanged(Map<String, String> details) {
        int refused = Integer.parseInt(details.getOrDefault(SessionFacts.PERMISSION_DENIALS, "0"));
        if (refused == 0) {
            return "The agent changed nothing: no commit, no push";
        }
        return "The agent changed nothing, and " + refused + (refused == 1 ? " tool call was" : " tool calls were")
                + " refused by the permission mode: allow the tools it needs with AI_ALLOWED_TOOLS (for example Bash,Write) or"
                + " choose another AI_PERMISSION_MODE; no commit, no push";
    }

    /** The first line of the prompt as the subject (at most 72 characters), the job id in the body. */
    static String commitMessage(String jobId, String prompt) {
        String first = prompt.strip().lines().findFirst().orElse("").strip();
        if (first.isEmpty()) {
            first = "repobox job " + jobId;
        }
        if (first.length() > 72) {
            first = first.substring(0, 71) + "…";
        }
        return first + "\n\nMade by the repobox runner for job " + jobId + ".\n";
    }
}
