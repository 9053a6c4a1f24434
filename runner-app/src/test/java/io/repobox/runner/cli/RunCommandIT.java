package io.repobox.runner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The {@code run} and {@code agents} commands, in process, with real agent processes. */
class RunCommandIT {

    @TempDir
    Path repo;

    @org.junit.jupiter.api.BeforeEach
    void gitRepository() throws Exception {
        git("init", "-q", "-b", "main");
        Files.writeString(repo.resolve("README.md"), "hello\n");
        git("add", "-A");
        git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "seed");
    }

    private void git(String... args) throws Exception {
        io.repobox.runner.testing.TestGit.git(repo, args);
    }

    /** A file on the job's branch in the user's repository. */
    private String onBranch(String file) throws Exception {
        Process p = new ProcessBuilder("git", "log", "--all", "--format=%D").directory(repo.toFile()).start();
        String refs = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        p.waitFor();
        String branch = refs.lines().filter(l -> l.contains("repobox/")).findFirst().orElseThrow(() -> new AssertionError("no repobox branch: " + refs))
                .replaceAll(".*(repobox/[0-9a-f]{8}).*", "$1");
        Process show = new ProcessBuilder("git", "show", branch + ":" + file).directory(repo.toFile()).start();
        String content = new String(show.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(show.waitFor()).isZero();
        return content;
    }

    record Outcome(int exitCode, String out, String err) {
    }

    static Outcome execute(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = RunnerCommand.commandLine(env);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Outcome(code, out.toString(), err.toString());
    }

    private Map<String, String> env(String... kv) {
        Map<String, String> env = new HashMap<>(Map.of("PATH", System.getenv("PATH"), "AI_GRACE_PERIOD", "1s",
                "TEMP_DIR", repo.resolveSibling(repo.getFileName() + "-work").toString()));
        for (int i = 0; i < kv.length; i += 2) {
            env.put(kv[i], kv[i + 1]);
        }
        return env;
    }

    @Test
    void aRunOpensFourConnectionsToItsRedis() throws Exception {
        try (io.repobox.output.redis.testing.TestRedis redis = io.repobox.output.redis.testing.TestRedis.startPersistent()) {
            long before = connectionsReceived(redis);

            Outcome r = execute(env("REDIS_URL", redis.url()), "run", "--agent", "fake", "--repo", repo.toString(), "count");

            assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCodes.SUCCESS);
            // The runner's commands (shared by the output's reads and by run's own session), the queue's
            // blocking reads, the output's writes, and the cursor that follows the output.
            assertThat(connectionsReceived(redis) - before).isEqualTo(4);
        }
    }

    private static long connectionsReceived(io.repobox.output.redis.testing.TestRedis redis) {
        return io.repobox.output.redis.testing.TestRedis.infoNumber(redis.redis().info("stats"), "total_connections_received");
    }

    @Test
    void aSuccessfulRunPrintsTheAgentsOutputAndPushesABranchToTheLocalRepository() throws Exception {
        Outcome r = execute(env(), "run", "--agent", "fake", "--repo", repo.toString(), "Add a README");

        assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCodes.SUCCESS);
        assertThat(r.out()).contains("[fake] wrote REPOBOX_DRY_RUN.md\n", "[fake] done\n");
        assertThat(r.err()).contains("[runner] Started an embedded Redis for this run on 127.0.0.1:", "[runner] Cloning " + repo,
                "[runner] Running agent 'fake' (timeout 30m)", "[runner] Dry run finished (fake agent, no AI)").containsPattern(
                "\\[runner\\] Job .* succeeded on branch repobox/[0-9a-f]{8} \\(\\+\\d+ −0\\)");
        assertThat(onBranch("REPOBOX_DRY_RUN.md")).contains("Add a README");
        assertThat(repo.resolve("REPOBOX_DRY_RUN.md")).as("the working tree is never touched").doesNotExist();
    }

    @Test
    void aiEnabledFalseRunsTheFakeAgent() {
        Outcome r = execute(env("AI_ENABLED", "false"), "run", "--repo", repo.toString(), "hello");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.SUCCESS);
        assertThat(r.err()).contains("Running agent 'fake'");
    }

    @Test
    void anAgentFailureExitsOne() {
        Outcome r = execute(env(), "run", "--agent", "fake", "--repo", repo.toString(), "@fake exit-code=2");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.AGENT_FAILED);
        assertThat(r.err()).contains("[runner] Agent exited with code 2: [fake] this is stderr, as agents print progress there too");
        assertThat(r.err()).contains("failed: Agent exited with code 2");
    }

    @Test
    void aRunWhoseJobDidNotSucceedForgetsTheTestSandboxsVerdictAndOneThatSucceededKeepsIt(@TempDir Path cache) throws Exception {
        Path verdict = Files.createDirectories(cache.resolve("repobox-runner")).resolve("sandbox-verdict");
        Files.writeString(verdict, "an earlier run's conditions\n");
        Files.setPosixFilePermissions(verdict, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));

        Outcome ok = execute(env("XDG_CACHE_HOME", cache.toString()), "run", "--agent", "fake", "--repo", repo.toString(), "hello");
        assertThat(ok.exitCode()).as(ok.err()).isEqualTo(ExitCodes.SUCCESS);
        assertThat(verdict).as("kept (or renewed by this run's own test sandbox)").exists();

        Outcome failed = execute(env("XDG_CACHE_HOME", cache.toString()), "run", "--agent", "fake", "--repo", repo.toString(),
                "@fake exit-code=2");
        assertThat(failed.exitCode()).isEqualTo(ExitCodes.AGENT_FAILED);
        assertThat(verdict).as("a sandbox that stopped working must be tried again by the next run").doesNotExist();
    }

    @Test
    void aTimeoutExits124AndJobTimeoutBoundsTheAgentTimeout() {
        Outcome r = execute(env("JOB_TIMEOUT", "1"), "run", "--agent", "fake", "--repo", repo.toString(), "--timeout", "1h",
                "@fake sleep=1h");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.TIMED_OUT);
        assertThat(r.err()).contains("failed: Job timed out after 1s (JOB_TIMEOUT) while running the agent");
    }

    @Test
    void anAgentThatCannotStartExitsThreeWithTheFix() {
        Outcome r = execute(env("AI_CLI_PATH", "no-such-agent-cli"), "run", "--agent", "command", "--repo", repo.toString(), "hi");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.INTERNAL);
        assertThat(r.err()).contains("Agent could not start: 'no-such-agent-cli' not found on PATH (set AI_CLI_PATH)");
    }

    @Test
    void theDefaultClaudeAgentWithoutItsCliExitsThreeAndSaysHowToInstallIt() {
        Outcome r = execute(env("AI_CLI_PATH", "no-such-claude"), "run", "--repo", repo.toString(), "hi");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.INTERNAL);
        assertThat(r.err()).contains("[runner] Running agent 'claude'", "Agent could not start: 'no-such-claude' not found on PATH "
                + "(install it with 'npm install -g @anthropic-ai/claude-code', or set AI_CLI_PATH)");
    }

    @Test
    void thePromptCanComeFromAFile() throws Exception {
        Path prompt = Files.writeString(repo.resolve("prompt.txt"), "--starts-with-dashes\nand spans lines\n");

        Outcome r = execute(env(), "run", "--agent", "fake", "--repo", repo.toString(), "--prompt-file", prompt.toString());

        assertThat(r.exitCode()).isEqualTo(ExitCodes.SUCCESS);
        assertThat(onBranch("REPOBOX_DRY_RUN.md")).endsWith("--starts-with-dashes\nand spans lines\n");
    }

    @Test
    void usageAndConfigurationErrorsExitTwoWithAMessage() {
        assertThat(execute(env(), "run", "--agent", "fake", "--repo", repo.toString()))
                .extracting(Outcome::exitCode, Outcome::err)
                .containsExactly(ExitCodes.USAGE, "error: no prompt: give it as an argument, or with --prompt-file FILE (- for stdin)\n");
        assertThat(execute(env(), "run", "--agent", "gpt", "--repo", repo.toString(), "hi").err())
                .startsWith("error: No agent provider is named 'gpt'. Available: ").contains("fake");
        assertThat(execute(env(), "run", "--agent", "fake", "--repo", repo.resolve("missing").toString(), "hi").err())
                .isEqualTo("error: --repo " + repo.resolve("missing") + " is neither a directory nor a git URL\n");
        assertThat(execute(env(), "run", "--agent", "fake", "--repo", repo.resolve(".git").resolve("objects").toString(), "hi").err())
                .contains("is a directory but not a git repository");
        assertThat(execute(env("AI_TIMEOUT", "later"), "run", "--agent", "fake", "--repo", repo.toString(), "hi"))
                .extracting(Outcome::exitCode).isEqualTo(ExitCodes.USAGE);
        assertThat(execute(env(), "run", "--repo").exitCode()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void runHonoursItsFlagsWithoutRunnerIdSet() {
        Outcome r = execute(env(), "run", "--agent", "fake", "--repo", repo.toString(), "--job-timeout", "1", "@fake sleep=1h");

        assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCodes.TIMED_OUT);
        assertThat(r.err()).contains("failed: Job timed out after 1s (JOB_TIMEOUT) while running the agent");
    }

    @Test
    void userErrorsExitTwoBeforeAnythingIsStarted() {
        for (String[] args : new String[][] {
                {"--environment", "nope"},
                {"--redis-url", "redis://localhost:port"},
                {"--set", "AI_TIMOUT=3"},
                {"--set", "ENCRYPTION_KEY=" + "k".repeat(32)}}) {
            java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("run", "--agent", "fake", "--repo", repo.toString()));
            command.addAll(java.util.List.of(args));
            command.add("hi");
            Outcome r = execute(env(), command.toArray(String[]::new));
            assertThat(r.exitCode()).as(String.join(" ", args) + ": " + r.err()).isEqualTo(ExitCodes.USAGE);
            assertThat(r.err()).startsWith("error: ").doesNotContain("Started an embedded Redis", "submitted");
        }
        assertThat(execute(env(), "run", "--agent", "fake", "--repo", repo.toString(), "--environment", "nope", "hi").err())
                .isEqualTo("error: --environment nope is not a known environment; known: default, node, php, python, fullstack "
                        + "(ENVIRONMENTS_FILE adds more)\n");
        assertThat(execute(env(), "run", "--agent", "fake", "--repo", "https://user:secret@example.com/r.git", "hi"))
                .extracting(Outcome::exitCode, Outcome::err).containsExactly(ExitCodes.USAGE, "error: --repo: repository URL "
                        + "'https://***@example.com/r.git' contains credentials; remove them and give the token through a git provider instead\n");
    }

    @Test
    void agentsListsTheProvidersAndWhetherTheyCanRun() {
        Outcome r = execute(env("AI_ENABLED", "false"), "agents");

        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("fake (selected)  ready\n", "    dry run; no AI, no API key needed\n",
                "    class io.repobox.agent.fake.FakeAgentProvider from ", "command  ready\n", "claude  ", "codex  ", "gemini  ");
    }

    @Test
    void eachProviderIsJudgedWithItsOwnKey() {
        Outcome r = execute(env("AI_PROVIDER", "codex", "AI_CLI_PATH", "no-such-cli", "ANTHROPIC_API_KEY", "sk-ant-x", "GEMINI_API_KEY", "g-x"),
                "agents");

        assertThat(r.out()).contains("codex (selected)  NOT READY\n", "    Codex CLI not found; no OPENAI_API_KEY or CODEX_API_KEY\n",
                "    Gemini CLI not found; API key set\n");
    }
}
