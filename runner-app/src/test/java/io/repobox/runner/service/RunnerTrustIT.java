package io.repobox.runner.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.repobox.output.redis.OutputEntry;
import io.repobox.runner.config.ConfigurationException;
import io.repobox.runner.job.JobIds;
import io.repobox.runner.secrets.TokenCipher;
import io.repobox.runner.testing.TestGit;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a hostile agent tries against the runner itself, with no sandbox (SANDBOX=none): real Redis,
 * real git, stub agents that attack.
 */
class RunnerTrustIT extends RunnerTestBase {

    private void startWithAgent(String script, String... kv) throws Exception {
        Path agent = Files.writeString(dir.resolve("agent.sh"), "#!/bin/sh\n" + script);
        Files.setPosixFilePermissions(agent, PosixFilePermissions.fromString("rwx------"));
        String[] all = new String[kv.length + 6];
        System.arraycopy(new String[] {"AI_ENABLED", "true", "AI_PROVIDER", "command", "AI_CLI_PATH", agent.toString()}, 0, all, 0, 6);
        System.arraycopy(kv, 0, all, 6, kv.length);
        runner = h.start(h.env(all));
    }

    @Test
    void anAgentRewritingItsGitDirectoryChangesNothingTheRunnerDoes() throws Exception {
        Path capture = dir.resolve("capture.git");
        TestGit.git(dir, "init", "-q", "--bare", capture.toString());
        Path evil = dir.resolve("evil-common");
        Path marker = dir.resolve("HOSTILE-RAN");
        startWithAgent("""
                cat > /dev/null
                git init -q --bare '%1$s'
                printf '[url "%2$s"]\\n\\tinsteadOf = %3$s\\n\\tpushInsteadOf = %3$s\\n[core]\\n\\tfsmonitor = touch %4$s\\n' >> '%1$s/config'
                printf '[filter "evil"]\\n\\tclean = touch %4$s; cat\\n' >> '%1$s/config'
                cp '%1$s/config' .git/config
                printf '%%s\\n' '%1$s' > .git/commondir
                printf '#!/bin/sh\\ntouch %4$s\\n' > .git/hooks/pre-commit && chmod +x .git/hooks/pre-commit
                echo '* filter=evil' > .gitattributes
                echo 'the change' > change.txt
                echo rewritten
                """.formatted(evil, capture, h.remote, marker));
        String id = h.submit("x");

        Map<String, String> job = h.awaitEnd(runner.output(), id);

        assertThat(job).as(job.toString()).containsEntry("status", "success").containsEntry("branch", JobIds.branch(id));
        assertThat(h.remoteFiles(JobIds.branch(id))).contains("change.txt", ".gitattributes");
        assertThat(TestGit.git(dir, "--git-dir=" + capture, "for-each-ref")).isEmpty();
        assertThat(marker).doesNotExist();
    }

    @Test
    void aRepositoryOnAnotherHostThanTheProvidersFailsBeforeCloning() throws Exception {
        String key = "e".repeat(64);
        runner = h.start(h.env("ENCRYPTION_KEY", key));
        redis.redis().hset("git_provider:user-1:gl", Map.of("type", "gitlab", "url", "https://gitlab.example.com", "username", "",
                "token", TokenCipher.fromKey(key).encrypt("glpat-abc", "123456789012".getBytes(StandardCharsets.UTF_8))));
        String id = h.submit("x", "provider_id", "gl", "repo_url", "https://collector.example/org/repo.git");

        Map<String, String> job = h.awaitEnd(runner.output(), id);

        assertThat(job).containsEntry("status", "failed").containsEntry("error_message", "The repository "
                + "'https://collector.example/org/repo.git' is not on the git provider's host gitlab.example.com; the token is sent to "
                + "that host only (check the job's repo_url or the provider's url)");
        assertThat(h.lines(runner.output(), id)).noneMatch(l -> l.startsWith("Cloning"));
    }

    @Test
    void theErrorMessageCarriesNoTerminalControlSequences() throws Exception {
        startWithAgent("cat > /dev/null\nprintf 'boom\\033]52;c;cm0gLXJmIH4=\\007\\033[2J\\033[1;1H\\033]8;;https://evil.example\\033\\\\"
                + "click\\033]8;;\\033\\\\ \\007\\n' >&2\nexit 3\n");
        String id = h.submit("x");

        Map<String, String> job = h.awaitEnd(runner.output(), id);

        assertThat(job).containsEntry("status", "failed").containsEntry("error_message", "Agent exited with code 3: boomclick ?");
        assertThat(h.output(runner.output(), id)).filteredOn(e -> e.source().equals("runner")).extracting(OutputEntry::line)
                .noneMatch(l -> l.chars().anyMatch(c -> c < 0x20));
    }

    @Test
    void fieldsForgedDuringTheJobDoNotSurviveTheRunnersFinalRecord() throws Exception {
        Path go = dir.resolve("go");
        startWithAgent("cat > /dev/null\necho waiting\ni=0\nwhile [ ! -e '" + go + "' ] && [ $i -lt 900 ]; do sleep 0.1; i=$((i+1)); done\n"
                + "exit 1\n");
        String id = h.submit("x");
        RunnerHarness.awaitLine(runner.output(), id, "waiting");
        // Anyone else who can write to Redis tries to make the failing job look successful.
        redis.redis().hset("job:" + id, Map.of("status", "success", "branch", "repobox/forged", "lines_added", "42",
                "error_message", "", "exit_code", "0"));
        Files.writeString(go, "");

        Map<String, String> job = h.awaitEnd(runner.output(), id);

        assertThat(job).containsEntry("status", "failed").containsEntry("branch", "").containsEntry("lines_added", "")
                .containsEntry("exit_code", "1").containsEntry("error_message", "Agent exited with code 1");
    }

    @Test
    void aRunnerRefusesToStartWithATempDirOtherUsersMayWrite() throws Exception {
        Path shared = Files.createDirectory(dir.resolve("shared-temp"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));

        assertThatThrownBy(() -> h.start(h.env("TEMP_DIR", shared.toString()))).isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("TEMP_DIR " + shared + " may be written by other users (mode rwxrwxrwx)");
    }

    @Test
    void theHooksOutputIsMarkedAsTheHooksNotTheRunners() throws Exception {
        Path envs = Files.writeString(dir.resolve("envs.json"),
                "{\"environments\":{\"node\":{\"hook\":{\"shell\":\"echo 'Pushed repobox/fake'; echo warn >&2\"}}}}");
        runner = h.start(h.env("ENVIRONMENTS_FILE", envs.toString()));
        String id = h.submit("x", "environment", "node");

        h.awaitEnd(runner.output(), id);

        List<OutputEntry> out = h.output(runner.output(), id);
        assertThat(out).filteredOn(e -> e.source().equals("hook")).extracting(OutputEntry::line).containsExactlyInAnyOrder("Pushed repobox/fake", "warn");
        assertThat(out).filteredOn(e -> e.source().equals("runner")).extracting(OutputEntry::line).doesNotContain("Pushed repobox/fake", "warn");
    }
}
