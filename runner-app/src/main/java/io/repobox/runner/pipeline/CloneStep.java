package io.repobox.runner.pipeline;

import io.repobox.runner.git.RepositoryUrls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Clones the repository into the workspace (shallow for remote URLs, no tags), starts the job's
 * branch, and saves the clone's {@code .git/config} in the private directory so that the commit
 * step can put it back whatever the agent wrote there.
 */
final class CloneStep implements Step {

    /** git's empty tree: the base of an empty repository, which has no default branch. */
    static final String EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

    @Override
    public String doing() {
        return "cloning the repository";
    }

    @Override
    public void run(JobContext ctx) throws StepFailure, InterruptedException, IOException {
        ctx.out().runner("Cloning " + ctx.masker().mask(ctx.url().url()));
        List<String> clone = new ArrayList<>(List.of("clone", "--no-tags"));
        if (ctx.url().kind() != RepositoryUrls.Kind.LOCAL) {
            clone.addAll(List.of("--depth", "1"));
        }
        Path repo = ctx.repo();
        clone.addAll(List.of("--", ctx.url().url(), repo.toString()));
        ctx.git(this, ctx.workspace(), true, clone.toArray(String[]::new));
        // The clone's default branch is the base the changes are measured against; an empty repository has none.
        ctx.base(Files.exists(repo.resolve(".git/refs/remotes/origin/HEAD")) ? "refs/remotes/origin/HEAD" : EMPTY_TREE);
        ctx.git(this, repo, false, "checkout", "-q", "-b", ctx.branch());
        Files.copy(repo.resolve(".git/config"), ctx.privateDir().resolve("config"), StandardCopyOption.REPLACE_EXISTING);
        ctx.out().runner("Working on new branch " + ctx.branch() + (ctx.base().equals(EMPTY_TREE) ? " (the repository is empty)" : ""));
    }
}
