package io.repobox.agent.claude;

import static io.repobox.agent.testing.RecordingHandler.SAFETY_NET;
import static org.assertj.core.api.Assertions.assertThat;

import io.repobox.agent.Agent;
import io.repobox.agent.AgentConfig;
import io.repobox.agent.AgentRequest;
import io.repobox.agent.AgentResult;
import io.repobox.agent.AgentResult.Outcome;
import io.repobox.agent.testing.RecordingHandler;
import io.repobox.agent.testing.TestProcesses;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Claude Code CLI (installed by .ci/run; run with {@code -Preal-cli}) against a stand-in
 * for the Messages API on 127.0.0.1: the CLI really edits files and runs commands in the repository.
 */
class ClaudeRealCliIT {

    private static final String KEY = "sk-ant-test-key-0123456789";

    @TempDir
    Path dir;

    private FakeMessagesApi api;
    private Path repo;
    private final String marker = UUID.randomUUID().toString();

    @BeforeEach
    void start() throws Exception {
        api = new FakeMessagesApi();
        repo = Files.createDirectories(dir.resolve("repo"));
        Files.createDirectories(dir.resolve("home"));
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private Agent agent(String... kv) {
        String cli = System.getProperty("claude.cli.path");
        assertThat(Path.of(cli)).as("the real CLI (installed by .ci/run)").isExecutable();
        Map<String, String> config = new HashMap<>(Map.of("cli-path", cli, "api-key", KEY, "grace-period", "2s"));
        for (int i = 0; i < kv.length; i += 2) {
            config.put(kv[i], kv[i + 1]);
        }
        return new ClaudeAgentProvider().create(AgentConfig.of(config));
    }

    private AgentResult run(Agent agent, String prompt, Duration timeout, RecordingHandler sink) throws InterruptedException {
        AgentRequest request = AgentRequest.builder("job-real", repo).prompt(prompt).timeout(timeout)
                .environment(Map.of("ANTHROPIC_BASE_URL", api.baseUrl(), "HOME", dir.resolve("home").toString(),
                        "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1", "REAL_CLI_IT", marker))
                .build();
        return agent.start(request, sink).await(SAFETY_NET.multipliedBy(3)).orElseThrow(() -> new AssertionError("did not end"));
    }

    @Test
    void aPlainAnswer() throws Exception {
        RecordingHandler sink = new RecordingHandler();
        AgentResult result = run(agent(), "Say hello", Duration.ofMinutes(2), sink);

        assertThat(result.outcome()).as(result.message()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(sink.texts()).contains("Hello from the stand-in.").anyMatch(t -> t.matches("Claude Code \\d+\\.\\d+\\.\\d+ · model .*"))
                .anyMatch(t -> t.startsWith("Result: success · 1 turn"));
        assertThat(result.details()).containsKey("agent_session_id").containsEntry("agent_turns", "1");
        assertThat(api.receivedPrompt()).isEqualTo("Say hello");
    }

    @Test
    void aWriteCreatesAFileInTheRepository() throws Exception {
        api.reply(new FakeMessagesApi.ToolCall("Write", "{\"file_path\":\"" + repo.resolve("hello.txt") + "\",\"content\":\"hi from claude\\n\"}"));
        RecordingHandler sink = new RecordingHandler();
        AgentResult result = run(agent(), "Create hello.txt", Duration.ofMinutes(2), sink);

        assertThat(result.outcome()).as(result.message()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(Files.readString(repo.resolve("hello.txt"))).isEqualTo("hi from claude\n");
        assertThat(sink.texts()).contains("→ Write: " + repo.resolve("hello.txt"), "Done.");
        assertThat(result.details()).containsEntry("agent_turns", "2");
    }

    @Test
    void aBashCallRunsInTheRepository() throws Exception {
        api.reply(new FakeMessagesApi.ToolCall("Bash", "{\"command\":\"echo bash-ran > bash.txt && echo finished\",\"description\":\"write a file\"}"));
        RecordingHandler sink = new RecordingHandler();
        AgentResult result = run(agent("allowed-tools", "Bash"), "Run a command", Duration.ofMinutes(2), sink);

        assertThat(result.outcome()).as(result.message()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(Files.readString(repo.resolve("bash.txt"))).isEqualTo("bash-ran\n");
        assertThat(sink.texts()).contains("→ Bash: echo bash-ran > bash.txt && echo finished", "← Bash: finished");
    }

    @Test
    void aToolRefusedByThePermissionModeIsShownAndCounted() throws Exception {
        // acceptEdits lets current CLIs run plain file commands (echo > file); a program they cannot judge is refused.
        api.reply(new FakeMessagesApi.ToolCall("Bash", "{\"command\":\"node -e \\\"require('fs').writeFileSync('refused.txt', 'x')\\\"\",\"description\":\"write a file\"}"));
        RecordingHandler sink = new RecordingHandler();
        AgentResult result = run(agent(), "Run a command", Duration.ofMinutes(2), sink);

        assertThat(result.outcome()).as(result.message()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(repo.resolve("refused.txt")).doesNotExist();
        assertThat(sink.texts()).contains("✗ Bash refused by the permission settings: node -e \"require('fs').writeFileSync('refused.txt', 'x')\"");
        assertThat(result.details()).containsEntry("agent_permission_denials", "1");
        assertThat(result.message()).endsWith("1 tool call was refused by the permission mode 'acceptEdits' "
                + "(allow them with 'allowed-tools' or 'permission-mode')");
    }

    @Test
    void aCostBudgetStopsTheRunAndSaysHowMuchWasSpent() throws Exception {
        api.reply(new FakeMessagesApi.ToolCall("Bash", "{\"command\":\"echo one\",\"description\":\"first step\"}"));
        AgentResult result = run(agent("allowed-tools", "Bash", "max-cost-usd", "0.000001"), "Work", Duration.ofMinutes(2), new RecordingHandler());

        assertThat(result.outcome()).as(result.message()).isEqualTo(Outcome.FAILED);
        assertThat(result.message()).matches("Agent stopped by its cost budget of \\$0\\.000001 \\('max-cost-usd'\\) after spending \\$\\d+\\.\\d{4}"
                + "( in \\d+ turns?)?; raise 'max-cost-usd' or narrow the prompt");
        assertThat(result.details()).containsEntry("result_subtype", "error_max_budget_usd").containsKey("agent_cost_usd");
    }

    @Test
    void aBadRequestIsExplained() throws Exception {
        api.reply(new FakeMessagesApi.HttpError(400, "invalid_request_error", "temperature: must be between 0 and 1"));
        AgentResult result = run(agent(), "x", Duration.ofMinutes(2), new RecordingHandler());

        assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.message()).isEqualTo("The Anthropic API rejected the request (400 bad request): temperature: must be between 0 and 1");
    }

    @Test
    void aRejectedKeyFailsAtOnce() throws Exception {
        api.reply(new FakeMessagesApi.HttpError(401, "authentication_error", "invalid x-api-key"));
        AgentResult result = run(agent(), "x", Duration.ofMinutes(5), new RecordingHandler());

        assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.message()).isEqualTo("Authentication rejected by the Anthropic API (401): the API key was refused; check 'api-key'");
        assertThat(result.duration()).isLessThan(Duration.ofMinutes(1));
    }

    @Test
    void rateLimitingUntilTheTimeoutSaysSo() throws Exception {
        api.reply(new FakeMessagesApi.HttpError(429, "rate_limit_error", "slow down"));
        AgentResult result = run(agent(), "x", Duration.ofSeconds(6), new RecordingHandler());

        assertThat(result.outcome()).isEqualTo(Outcome.TIMED_OUT);
        assertThat(result.message()).matches("Agent timed out after 6s; stopped \\d+ process(es)?; the Anthropic API answered 429 "
                + "\\(rate limited\\); the CLI was at retry \\d+ of \\d+");
    }

    @Test
    void overloadUntilTheTimeoutSaysSo() throws Exception {
        api.reply(new FakeMessagesApi.HttpError(529, "overloaded_error", "Overloaded"));
        AgentResult result = run(agent(), "x", Duration.ofSeconds(6), new RecordingHandler());

        assertThat(result.outcome()).isEqualTo(Outcome.TIMED_OUT);
        assertThat(result.message()).contains("the Anthropic API answered 529 (overloaded)");
    }

    @Test
    void aTimeoutWhileABashToolRunsLeavesNoProcessBehind() throws Exception {
        api.reply(new FakeMessagesApi.ToolCall("Bash", "{\"command\":\"(sleep 1000 &) ; sleep 1000\",\"description\":\"hang\"}"));
        RecordingHandler sink = new RecordingHandler();
        AgentResult result = run(agent("allowed-tools", "Bash"), "Hang", Duration.ofSeconds(15), sink);

        assertThat(result.outcome()).isEqualTo(Outcome.TIMED_OUT);
        assertThat(sink.texts()).contains("→ Bash: (sleep 1000 &) ; sleep 1000");
        assertThat(TestProcesses.liveProcessesWithEnvironment("REAL_CLI_IT=" + marker)).isEmpty();
    }

    @Test
    void aPromptStartingWithDashesArrivesIntact() throws Exception {
        AgentResult result = run(agent(), "--version is not what I want; -p neither", Duration.ofMinutes(2), new RecordingHandler());

        assertThat(result.outcome()).as(result.message()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(api.receivedPrompt()).isEqualTo("--version is not what I want; -p neither");
    }

    @Test
    void aFiveHundredKilobytePromptArrivesIntact() throws Exception {
        String prompt = "Summarise this:\n" + "lorem ipsum ".repeat(500_000 / 12);
        AgentResult result = run(agent(), prompt, Duration.ofMinutes(2), new RecordingHandler());

        assertThat(result.outcome()).as(result.message()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(api.receivedPrompt()).isEqualTo(prompt);
    }
}
