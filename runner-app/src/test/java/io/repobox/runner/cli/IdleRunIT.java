package io.repobox.runner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code run} with an agent that goes silent: exit code 124 and the message naming AI_IDLE_TIMEOUT. */
class IdleRunIT {

    @TempDir
    Path dir;

    @Test
    void aSilentAgentExits124() throws Exception {
        Path repo = Files.createDirectories(dir.resolve("repo"));
        io.repobox.runner.testing.TestGit.git(repo, "init", "-q", "-b", "main");
        Files.writeString(repo.resolve("README.md"), "hello\n");
        io.repobox.runner.testing.TestGit.git(repo, "add", "-A");
        io.repobox.runner.testing.TestGit.git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "seed");
        Map<String, String> env = new HashMap<>(Map.of("PATH", System.getenv("PATH"), "AI_GRACE_PERIOD", "1s",
                "TEMP_DIR", dir.resolve("work").toString(), "AI_IDLE_TIMEOUT", "1s"));

        RunCommandIT.Outcome r = RunCommandIT.execute(env, "run", "--agent", "fake", "--repo", repo.toString(), "@fake sleep=600");

        assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCodes.TIMED_OUT);
        assertThat(r.err()).contains("failed: Agent printed nothing for 1s; stopped it (AI_IDLE_TIMEOUT)");
    }
}
