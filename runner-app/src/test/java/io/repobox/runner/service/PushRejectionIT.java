package io.repobox.runner.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.repobox.output.redis.testing.TestRedis;
import io.repobox.runner.job.JobIds;
import io.repobox.runner.testing.TestGit;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A push the remote refuses is explained in words, not with git's hint lines. */
class PushRejectionIT {

    static TestRedis redis;

    @TempDir
    Path dir;

    @BeforeAll
    static void startRedis() {
        redis = TestRedis.startPersistent();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @Test
    void aBranchThatAlreadyExistsOnTheRemoteIsNamedAsTheReason() throws Exception {
        RunnerHarness h = new RunnerHarness(redis, dir);
        String id = h.submit("@fake lines=1"); // queued before any runner exists
        Path other = dir.resolve("other");
        TestGit.git(dir, "clone", "-q", h.remote.toString(), other.toString());
        TestGit.git(other, "-c", "user.name=o", "-c", "user.email=o@o", "commit", "-q", "--allow-empty", "-m", "someone else's work");
        TestGit.git(other, "push", "-q", "origin", "HEAD:refs/heads/" + JobIds.branch(id));

        try (Runner runner = h.start(h.env())) {
            Map<String, String> job = h.awaitEnd(runner.output(), id);

            assertThat(job).containsEntry("status", "failed").containsEntry("error_message", "Pushing the branch failed: the remote "
                    + "already has a branch " + JobIds.branch(id) + " (an earlier job whose id starts the same, or someone else, "
                    + "created it); nothing was overwritten");
        }
    }
}
