package io.repobox.runner.pipeline;

import io.repobox.agent.event.SessionFacts;
import io.repobox.runner.git.Git;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * Commits whatever the agent changed (hooks off, the runner's own git config put back first) and
 * counts what differs from the base, whoever committed it: the agent may have made commits itself.
 */
final class CommitStep implements Step {

    @Override
    public String doing() {
        return "committing the changes";
    }

    @Override
    public void run(JobContext ctx) throws StepFailure, InterruptedException, IOException {
        // The agent may have rewritten .git/config (remotes, URL rewrites, helpers): put back ours.
        Files.copy(ctx.privateDir().resolve("config"), ctx.repo().resolve(".git/config"), StandardCopyOption.REPLACE_EXISTING);
        ctx.git(this, ctx.repo(), false, "add", "-A");
        Git.Result commit = ctx.git().run(ctx.repo(), ctx.remaining(JobContext.GIT_COMMAND_TIMEOUT), ctx.control()::runningProcess,
                commitMessage(ctx.job().id(), ctx.job().prompt()), false, "commit", "-q", "--no-verify", "-F", "-");
        if (!commit.ok() && !String.join("\n", commit.stdout()).contains("nothing to commit")) {
            throw StepFailure.internal("Committing the changes failed: " + commit.process().describe("git commit"));
        }
        // An empty repository where nothing was committed has no HEAD at all.
        List<String> numstat = !commit.ok() && ctx.base().equals(CloneStep.EMPTY_TREE) ? List.of()
                : ctx.git(this, ctx.repo(), false, "diff", "--numstat", ctx.base(), "HEAD").stdout();
        DiffStat stat = DiffStat.parse(numstat);
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

    /** What {@code git diff --numstat} counted: files, lines added and removed (binary files count as files only). */
    record DiffStat(int files, long added, long removed) {

        static DiffStat parse(List<String> numstat) {
            long added = 0;
            long removed = 0;
            int files = 0;
            for (String line : numstat) {
                String[] cols = line.split("\t");
                if (cols.length >= 3) {
                    files++;
                    added += cols[0].equals("-") ? 0 : Long.parseLong(cols[0]);
                    removed += cols[1].equals("-") ? 0 : Long.parseLong(cols[1]);
                }
            }
            return new DiffStat(files, added, removed);
        }
    }
}
