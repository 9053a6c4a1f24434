package io.repobox.runner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.repobox.agent.codex.FakeResponsesApi;
import io.repobox.agent.gemini.FakeGeminiApi;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run --agent codex|gemini} with the real CLIs (installed by the real-CLI script; run with
 * {@code -Preal-cli}), configured only as the contract says (AI_BASE_URL, AI_CLI_PATH, the key),
 * against stand-ins for their model APIs: the CLI writes a file and runs a command, and the runner
 * commits and pushes both to the job's branch.
 */
class RunnerRealCliIT {

    @TempDir
    Path repo;

    @BeforeEach
    void gitRepository() throws Exception {
        git("init", "-q", "-b", "main");
        Files.writeString(repo.resolve("README.md"), "hello\n");
        git("add", "-A");
        git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "seed");
    }

    private void git(String... args) throws Exception {
        io.repobox.runner.testing.TestGit.git(repo, args);
    }

    private Map<String, String> env(String... kv) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.keySet().removeIf(k -> k.startsWith("AI_") || k.startsWith("REDIS_") || k.endsWith("_API_KEY"));
        env.putAll(Map.of("AI_GRACE_PERIOD", "2s", "TEMP_DIR", repo.resolveSibling(repo.getFileName() + "-work").toString()));
        for (int i = 0; i < kv.length; i += 2) {
            env.put(kv[i], kv[i + 1]);
        }
        return env;
    }

    /** A file on the job's branch in the user's repository. */
    private String onBranch(String file) throws Exception {
        Process p = new ProcessBuilder("git", "log", "--all", "--format=%D").directory(repo.toFile()).start();
        String refs = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        String branch = refs.lines().filter(l -> l.contains("repobox/")).findFirst().orElseThrow(() -> new AssertionError("no repobox branch: " + refs))
                .replaceAll(".*(repobox/[0-9a-f]{8}).*", "$1");
        Process show = new ProcessBuilder("git", "show", branch + ":" + file).directory(repo.toFile()).start();
        String content = new String(show.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(show.waitFor()).isZero();
        return content;
    }

    @Test
    void codexWritesAFileAndRunsACommandAndTheRunnerPushesThem() throws Exception {
        try (FakeResponsesApi api = new FakeResponsesApi()) {
            api.then(new FakeResponsesApi.Command("apply_patch <<'EOF'\n*** Begin Patch\n*** Add File: hello.txt\n+hi from codex\n*** End Patch\nEOF\n"))
                    .then(new FakeResponsesApi.Command("echo ran > ran.txt"));
            RunCommandIT.Outcome r = RunCommandIT.execute(env("AI_BASE_URL", api.baseUrl(), "AI_CLI_PATH", System.getProperty("codex.cli.path"),
                    "OPENAI_API_KEY", "sk-proj-run-test-key-123", "AI_MODEL", "gpt-test"), "run", "--agent", "codex", "--repo", repo.toString(),
                    "Create hello.txt");

            assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(ExitCodes.SUCCESS);
            assertThat(r.out()).contains("→ apply_patch: add ", "→ shell: echo ran > ran.txt", "Done.");
            assertThat(r.out() + r.err()).doesNotContain("sk-proj-run-test-key-123");
            assertThat(onBranch("hello.txt")).isEqualTo("hi from codex\n");
            assertThat(onBranch("ran.txt")).isEqualTo("ran\n");
        }
    }

    @Test
    void geminiWritesAFileAndRunsACommandAndTheRunnerPushesThem() throws Exception {
        try (FakeGeminiApi api = new FakeGeminiApi()) {
            api.then(FakeGeminiApi.Calls.of("write_file", Map.of("file_path", "hello.txt", "content", "hi from gemini\n")))
                    .then(FakeGeminiApi.Calls.of("run_shell_command", Map.of("command", "echo ran > ran.txt")));
            RunCommandIT.Outcome r = RunCommandIT.execute(env("AI_BASE_URL", api.baseUrl(), "AI_CLI_PATH", System.getProperty("gemini.cli.path"),
                    "GEMINI_API_KEY", "AIzaSy-run-test-key-123", "AI_MODEL", "gemini-test"), "run", "--agent", "gemini", "--repo", repo.toString(),
                    "Create hello.txt");

            assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(ExitCodes.SUCCESS);
            assertThat(r.out()).contains("→ write_file: hello.txt", "→ run_shell_command: echo ran > ran.txt");
            assertThat(r.out() + r.err()).doesNotContain("AIzaSy-run-test-key-123");
            assertThat(onBranch("hello.txt")).isEqualTo("hi from gemini\n");
            assertThat(onBranch("ran.txt")).isEqualTo("ran\n");
        }
    }
}
