package io.repobox.runner.git;

import static io.repobox.agent.testing.RecordingHandler.SAFETY_NET;
import static io.repobox.runner.testing.TestGit.git;
import static org.assertj.core.api.Assertions.assertThat;

import io.repobox.agent.process.ProcessResult;
import io.repobox.agent.process.ProcessRunner;
import io.repobox.agent.process.ProcessSpec;
import io.repobox.agent.testing.RecordingHandler;
import io.repobox.runner.config.ChildEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With SANDBOX=none an agent runs as the runner's user and can write wherever that user can: a
 * directory on PATH, the home directory. The packaged runner, run in its own JVM with such a PATH
 * and HOME, must still commit and push with the real git and none of that configuration.
 */
class HostileMachineJarIT {

    private static final Path JAR = Path.of("target", "runner-app.jar").toAbsolutePath();

    @TempDir
    Path dir;

    @Test
    void aGitPlantedOnPathAndAGitconfigInHomeChangeNothing() throws Exception {
        Path repo = Files.createDirectory(dir.resolve("repo"));
        git(repo, "init", "-q", "-b", "main");
        git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "--allow-empty", "-m", "seed");
        Path capture = dir.resolve("capture.git");
        git(dir, "init", "-q", "--bare", capture.toString());
        Path bin = Files.createDirectory(dir.resolve("bin"));
        Path home = Files.createDirectory(dir.resolve("home"));
        Path markers = Files.createDirectory(dir.resolve("markers"));
        Path agent = Files.writeString(dir.resolve("agent.sh"), """
                #!/bin/sh
                if [ "$1" = --version ]; then echo '2.0.0 (Claude Code)'; exit 0; fi
                cat > /dev/null
                printf '#!/bin/sh\\ntouch %1$s/planted-git\\nexit 1\\n' > '%2$s/git'
                chmod +x '%2$s/git'
                printf '[url "%3$s"]\\n\\tinsteadOf = %4$s\\n[core]\\n\\tfsmonitor = touch %1$s/global-fsmonitor\\n' > "$HOME/.gitconfig"
                echo 'the change' > change.txt
                echo 'agent finished'
                """.formatted(markers, bin, capture, repo));
        Files.setPosixFilePermissions(agent, PosixFilePermissions.fromString("rwx------"));
        Map<String, String> env = ChildEnvironment.inherited();
        env.put("PATH", bin + ":" + System.getenv("PATH"));
        env.put("HOME", home.toString());
        env.put("AI_CLI_PATH", agent.toString());
        env.put("AI_OUTPUT_FORMAT", "text");
        env.put("ANTHROPIC_API_KEY", "sk-ant-test-key");
        env.put("AI_GRACE_PERIOD", "1s");
        env.put("TEMP_DIR", dir.resolve("work").toString());
        RecordingHandler out = new RecordingHandler();

        ProcessResult result = ProcessRunner.start(ProcessSpec.builder(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", JAR.toString(), "run", "--agent", "claude", "--repo", repo.toString(), "change it"))
                .workingDirectory(dir).environment(env).build(), out).await(SAFETY_NET).orElseThrow();

        assertThat(result.exitCode()).as(String.join("\n", out.texts())).hasValue(0);
        assertThat(out.texts()).contains("agent finished");
        assertThat(git(repo, "for-each-ref", "--format=%(refname)", "refs/heads/repobox/")).isNotBlank();
        assertThat(git(repo, "show", "refs/heads/" + git(repo, "for-each-ref", "--format=%(refname:short)", "refs/heads/repobox/").strip()
                + ":change.txt")).isEqualTo("the change\n");
        try (var files = Files.list(markers)) {
            assertThat(files).isEmpty();
        }
        assertThat(git(dir, "--git-dir=" + capture, "for-each-ref")).isEmpty();
    }
}
