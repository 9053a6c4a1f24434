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

    record Outcome(int exitCode, String out, String err) {
    }

    static Outcome execute(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = RunnerCli.commandLine(env);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Outcome(code, out.toString(), err.toString());
    }

    private Map<String, String> env(String... kv) {
        Map<String, String> env = new HashMap<>(Map.of("PATH", System.getenv("PATH"), "AI_GRACE_PERIOD", "1s"));
        for (int i = 0; i < kv.length; i += 2) {
            env.put(kv[i], kv[i + 1]);
        }
        return env;
    }

    @Test
    void aSuccessfulRunPrintsTheAgentsOutputAndExitsZero() throws Exception {
        Outcome r = execute(env(), "run", "--agent", "fake", "--repo", repo.toString(), "Add a README");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.SUCCESS);
        assertThat(r.out()).contains("[fake] wrote REPOBOX_DRY_RUN.md\n", "[fake] done\n");
        assertThat(r.err()).contains("[runner] Running agent 'fake' in " + repo + " (timeout 30m)",
                "[runner] Dry run finished (fake agent, no AI)");
        assertThat(Files.readString(repo.resolve("REPOBOX_DRY_RUN.md"))).contains("Add a README");
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
    }

    @Test
    void aTimeoutExits124AndJobTimeoutBoundsTheAgentTimeout() {
        Outcome r = execute(env("JOB_TIMEOUT", "1"), "run", "--agent", "fake", "--repo", repo.toString(), "--timeout", "1h",
                "@fake sleep=1h");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.TIMED_OUT);
        assertThat(r.err()).containsPattern("\\[runner\\] Agent timed out after 1s; stopped \\d+ processes");
    }

    @Test
    void anAgentThatCannotStartExitsThreeWithTheFix() {
        Outcome r = execute(env("AI_CLI_PATH", "no-such-agent-cli"), "run", "--agent", "command", "--repo", repo.toString(), "hi");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.INTERNAL);
        assertThat(r.err()).contains("[runner] Agent could not start: 'no-such-agent-cli' not found on PATH (set AI_CLI_PATH)");
    }

    @Test
    void theDefaultClaudeAgentWithoutItsCliExitsThreeAndSaysHowToInstallIt() {
        Outcome r = execute(env("AI_CLI_PATH", "no-such-claude"), "run", "--repo", repo.toString(), "hi");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.INTERNAL);
        assertThat(r.err()).contains("[runner] Running agent 'claude'", "[runner] Agent could not start: 'no-such-claude' not found on PATH "
                + "(install it with 'npm install -g @anthropic-ai/claude-code', or set AI_CLI_PATH)");
    }

    @Test
    void thePromptCanComeFromAFile() throws Exception {
        Path prompt = Files.writeString(repo.resolve("prompt.txt"), "--starts-with-dashes\nand spans lines\n");

        Outcome r = execute(env(), "run", "--agent", "fake", "--repo", repo.toString(), "--prompt-file", prompt.toString());

        assertThat(r.exitCode()).isEqualTo(ExitCodes.SUCCESS);
        assertThat(Files.readString(repo.resolve("REPOBOX_DRY_RUN.md"))).endsWith("--starts-with-dashes\nand spans lines\n");
    }

    @Test
    void usageAndConfigurationErrorsExitTwoWithAMessage() {
        assertThat(execute(env(), "run", "--agent", "fake", "--repo", repo.toString()))
                .extracting(Outcome::exitCode, Outcome::err)
                .containsExactly(ExitCodes.USAGE, "error: no prompt: give it as an argument, or with --prompt-file FILE (- for stdin)\n");
        assertThat(execute(env(), "run", "--agent", "gpt", "--repo", repo.toString(), "hi").err())
                .startsWith("error: No agent provider is named 'gpt'. Available: ").contains("fake");
        assertThat(execute(env(), "run", "--agent", "fake", "--repo", repo.resolve("missing").toString(), "hi").err())
                .isEqualTo("error: --repo " + repo.resolve("missing") + " is not a directory\n");
        assertThat(execute(env("AI_TIMEOUT", "later"), "run", "--agent", "fake", "--repo", repo.toString(), "hi"))
                .extracting(Outcome::exitCode).isEqualTo(ExitCodes.USAGE);
        assertThat(execute(env(), "run", "--repo").exitCode()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void agentsListsTheProvidersAndWhetherTheyCanRun() {
        Outcome r = execute(env("AI_ENABLED", "false"), "agents");

        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("fake (selected)  ready\n", "    dry run; no AI, no API key needed\n",
                "    class io.repobox.agent.fake.FakeAgentProvider from ", "command  ready\n", "claude  ");
    }
}
