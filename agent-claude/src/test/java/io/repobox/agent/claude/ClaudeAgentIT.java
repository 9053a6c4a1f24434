package io.repobox.agent.claude;

import static io.repobox.agent.testing.RecordingHandler.SAFETY_NET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.repobox.agent.Agent;
import io.repobox.agent.AgentConfig;
import io.repobox.agent.AgentExecution;
import io.repobox.agent.AgentRequest;
import io.repobox.agent.AgentResult.Outcome;
import io.repobox.agent.AgentResult;
import io.repobox.agent.Readiness;
import io.repobox.agent.output.OutputLine;
import io.repobox.agent.testing.RecordingHandler;
import io.repobox.agent.testing.TestProcesses;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The provider against a stub CLI (a real child process) that mimics the CLI's outputs and exit codes. */
class ClaudeAgentIT {

    private static final String KEY = "sk-ant-api03-secret-value-123";

    @TempDir
    Path dir;

    private Path stub;
    private Path record;
    private final String marker = UUID.randomUUID().toString();

    @BeforeEach
    void installStub() throws Exception {
        stub = dir.resolve("bin/claude");
        Files.createDirectories(stub.getParent());
        try (InputStream in = getClass().getResourceAsStream("claude-stub.sh")) {
            Files.write(stub, in.readAllBytes());
        }
        Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwx------"));
        record = Files.createDirectories(dir.resolve("record"));
        Files.createDirectories(dir.resolve("repo"));
    }

    private Agent agent(String... kv) {
        Map<String, String> config = new HashMap<>(Map.of("cli-path", stub.toString(), "api-key", KEY, "grace-period", "1s"));
        for (int i = 0; i < kv.length; i += 2) {
            config.put(kv[i], kv[i + 1]);
        }
        return new ClaudeAgentProvider().create(AgentConfig.of(config));
    }

    private AgentRequest.Builder request(String scenario, String prompt) {
        return AgentRequest.builder("job-1", dir.resolve("repo")).prompt(prompt)
                .environment(Map.of("STUB_SCENARIO", scenario, "STUB_RECORD", record.toString(), "CLAUDE_IT", marker));
    }

    private static AgentResult run(AgentExecution execution) throws InterruptedException {
        return execution.await(SAFETY_NET).orElseThrow(() -> new AssertionError("agent did not end"));
    }

    @Test
    void aSuccessfulRunIsRenderedLiveAndReportsItsFacts() throws Exception {
        RecordingHandler sink = new RecordingHandler();
        AgentResult result = run(agent().start(request("success", "Add hello.txt").build(), sink));

        assertThat(result.outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(result.message()).isEqualTo("Agent finished: 3 turns, 12s, $0.0123");
        assertThat(result.details()).containsEntry("agent_session_id", "sess-1").containsEntry("agent_turns", "3")
                .containsEntry("agent_cost_usd", "0.012300").containsEntry("agent_duration_ms", "12345")
                .containsEntry("agent_version", "2.1.110").containsEntry("agent_model", "claude-sonnet-4-6");
        assertThat(sink.texts(OutputLine.Stream.STDOUT)).containsExactly(
                "Claude Code 2.1.110 · model claude-sonnet-4-6 · permission mode acceptEdits · session sess-1",
                "I will add the file.", "Then run the tests.", "→ Write: /repo/hello.txt",
                "← Write: File created successfully at: /repo/hello.txt", "→ Bash: npm test", "← Bash failed: 1 failing … (2 lines)",
                "a line that is not json", "[mystery] {\"type\":\"mystery\",\"payload\":{\"x\":1}}", "Result: success · 3 turns · 12s · $0.0123");
        assertThat(sink.texts(OutputLine.Stream.STDERR)).containsExactly("progress on stderr");
    }

    @Test
    void thePromptGoesToStdinWhateverItStartsWithAndHoweverLongItIs() throws Exception {
        String prompt = "--help me\n-p is not a flag here\n" + "y".repeat(500_000);
        AgentResult result = run(agent().start(request("success", prompt).build(), new RecordingHandler()));

        assertThat(result.isSuccess()).isTrue();
        assertThat(Files.readString(record.resolve("stdin"))).isEqualTo(prompt);
        assertThat(Files.readAllLines(record.resolve("argv"))).containsExactly("--print", "--output-format=stream-json", "--verbose",
                "--permission-mode=acceptEdits");
    }

    @Test
    void theApiKeyReachesTheCliOnlyThroughItsEnvironment() throws Exception {
        run(agent().start(request("success", "x").build(), new RecordingHandler()));

        assertThat(Files.readAllLines(record.resolve("env"))).contains("ANTHROPIC_API_KEY=" + KEY, "DISABLE_AUTOUPDATER=1")
                .noneMatch(l -> l.startsWith("CLAUDECODE="));
        assertThat(Files.readString(record.resolve("argv"))).doesNotContain(KEY);
    }

    @Test
    void theApiKeyIsMaskedInEveryLineAndInTheMessage() throws Exception {
        RecordingHandler sink = new RecordingHandler();
        AgentResult result = run(agent().start(request("leak-key", "x").build(), sink));

        assertThat(sink.lines()).noneMatch(l -> l.text().contains(KEY) || (l.event() != null && l.event().contains(KEY)));
        assertThat(sink.texts()).contains("my key is ***", "key on stderr: ***");
        assertThat(result.message()).doesNotContain(KEY).contains("***");
    }

    @Test
    void aBadRequestIsAFailureWithTheApisMessage() throws Exception {
        AgentResult result = run(agent().start(request("bad-request", "x").build(), new RecordingHandler()));

        assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.exitCode()).hasValue(1);
        assertThat(result.message()).isEqualTo("The Anthropic API rejected the request (400 bad request): prompt is too long");
        assertThat(result.details()).containsEntry("api_error_status", "400");
    }

    @Test
    void aRejectedKeyFailsAtOnceInsteadOfRetryingForMinutes() throws Exception {
        AgentResult result = run(agent().start(request("auth-retry", "x").timeout(Duration.ofMinutes(10)).build(), new RecordingHandler()));

        assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.message()).isEqualTo("Authentication rejected by the Anthropic API (401): the API key was refused; check 'api-key'");
        assertThat(TestProcesses.liveProcessesWithEnvironment("CLAUDE_IT=" + marker)).isEmpty();
    }

    @Test
    void aTimeoutDuringApiRetriesSaysWhatTheApiAnswered() throws Exception {
        AgentResult result = run(agent().start(request("overloaded-retry", "x").timeout(Duration.ofSeconds(2)).build(), new RecordingHandler()));

        assertThat(result.outcome()).isEqualTo(Outcome.TIMED_OUT);
        assertThat(result.message()).matches("Agent timed out after 2s; stopped \\d+ process(es)?; the Anthropic API answered 529 "
                + "\\(overloaded\\); the CLI was at retry 3 of 10");
    }

    @Test
    void retriesThatRanOutAreNamed() throws Exception {
        AgentResult result = run(agent().start(request("overloaded-exhausted", "x").build(), new RecordingHandler()));

        assertThat(result.message()).isEqualTo("The Anthropic API was overloaded (529) until the CLI's retries ran out: Overloaded");
    }

    @Test
    void reachingMaxTurnsIsAFailureEvenWithExitCodeZero() throws Exception {
        AgentResult result = run(agent().start(request("max-turns", "x").build(), new RecordingHandler()));

        assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.exitCode()).isEmpty();
        assertThat(result.message()).isEqualTo("Agent stopped after reaching its maximum of 5 turns; raise 'max-turns' or narrow the prompt");
    }

    @Test
    void aCostBudgetGoesToTheCliAndItsEndSaysWhichBudgetAndHowMuchWasUsed() throws Exception {
        AgentResult result = run(agent("max-cost-usd", "0.25").start(request("max-budget", "x").build(), new RecordingHandler()));

        assertThat(Files.readAllLines(record.resolve("argv"))).contains("--max-budget-usd=0.25");
        assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.message()).isEqualTo("Agent stopped by its cost budget of $0.25 ('max-cost-usd') after spending $0.2612 in 4 turns; "
                + "raise 'max-cost-usd' or narrow the prompt");
        assertThat(result.details()).containsEntry("agent_cost_usd", "0.261200");
    }

    @Test
    void anInvalidCostBudgetIsRefusedNamingTheSetting() {
        assertThatThrownBy(() -> agent("max-cost-usd", "lots"))
                .hasMessage("claude option 'max-cost-usd' must be a positive amount of dollars such as 2.50, got 'lots'");
    }

    @Test
    void refusedToolCallsAndSubTasksAreRenderedAndCounted() throws Exception {
        RecordingHandler sink = new RecordingHandler();
        AgentResult result = run(agent().start(request("denied", "x").build(), sink));

        assertThat(sink.texts(OutputLine.Stream.STDOUT)).containsSubsequence("[task started] Explore the repository",
                "[task completed] Found 3 files", "✗ Bash refused by the permission settings: npm install",
                "Result: success · 2 turns · 3s · 120 tokens in (100 cached), 7 out · $0.0100");
        assertThat(result.outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(result.message()).isEqualTo("Agent finished: 2 turns, 3s, $0.0100; 1 tool call was refused by the permission mode "
                + "'acceptEdits' (allow them with 'allowed-tools' or 'permission-mode')");
        assertThat(result.details()).containsEntry("agent_permission_denials", "1").containsEntry("agent_input_tokens", "120")
                .containsEntry("agent_output_tokens", "7");
    }

    @Test
    void exitZeroWithoutAResultIsAFailure() throws Exception {
        AgentResult result = run(agent().start(request("no-result", "x").build(), new RecordingHandler()));

        assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.message()).isEqualTo("Agent ended without reporting a result: the model went away");
    }

    @Test
    void missingCredentialsAreExplained() throws Exception {
        AgentResult result = run(agent().start(request("not-logged-in", "x").build(), new RecordingHandler()));

        assertThat(result.message()).isEqualTo("Agent exited with code 1: Invalid API key · Please run /login "
                + "(the CLI has no valid credentials: set 'api-key')");
    }

    @Test
    void missingCredentialsReportedAsAResultAreExplainedToo() throws Exception {
        // Current CLIs say it in an error result on stdout, not on stderr.
        AgentResult result = run(agent().start(request("not-logged-in-result", "x").build(), new RecordingHandler()));

        assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.message()).isEqualTo("Agent reported an error: Not logged in · Please run /login "
                + "(the CLI has no valid credentials: set 'api-key')");
    }

    @Test
    void aMultiMegabyteEventIsRenderedInBoundedLines() throws Exception {
        RecordingHandler sink = new RecordingHandler();
        AgentResult result = run(agent().start(request("huge-event", "x").build(), sink));

        assertThat(result.isSuccess()).isTrue();
        List<String> text = sink.texts().stream().filter(t -> t.startsWith("a")).toList();
        assertThat(String.join("", text)).hasSize(3_000_000);
        assertThat(text).allSatisfy(t -> assertThat(t.length()).isLessThanOrEqualTo(16 * 1024));
        assertThat(sink.lines()).filteredOn(l -> l.event() != null).noneMatch(l -> l.event().length() > 64 * 1024);
    }

    @Test
    void textFormatPassesLinesThrough() throws Exception {
        RecordingHandler sink = new RecordingHandler();
        AgentResult result = run(agent("output-format", "text").start(request("text", "x").build(), sink));

        assertThat(result.isSuccess()).isTrue();
        assertThat(sink.texts()).containsExactly("plain text answer", "second line");
        assertThat(Files.readAllLines(record.resolve("argv"))).containsExactly("--print", "--output-format=text", "--permission-mode=acceptEdits");
    }

    @Test
    void cancelStopsTheCliAndEverythingItStarted() throws Exception {
        RecordingHandler sink = new RecordingHandler();
        AgentExecution execution = agent().start(request("forever", "x").build(), sink);
        sink.awaitLine(l -> l.text().startsWith("Claude Code"));

        execution.cancel();
        AgentResult result = run(execution);

        assertThat(result.outcome()).isEqualTo(Outcome.CANCELLED);
        assertThat(TestProcesses.liveProcessesWithEnvironment("CLAUDE_IT=" + marker)).isEmpty();
    }

    @Test
    void aMissingCliSaysHowToInstallIt() throws Exception {
        Agent agent = new ClaudeAgentProvider().create(AgentConfig.of(Map.of("cli-path", "no-such-claude-cli")));
        AgentResult result = run(agent.start(request("success", "x").build(), new RecordingHandler()));

        assertThat(result.outcome()).isEqualTo(Outcome.INTERNAL_ERROR);
        assertThat(result.message()).isEqualTo("Agent could not start: 'no-such-claude-cli' not found on PATH "
                + "(install it with 'npm install -g @anthropic-ai/claude-code', or set 'cli-path')");
        assertThat(new ClaudeAgentProvider().readiness(AgentConfig.of(Map.of("cli-path", "no-such-claude-cli"))).ready()).isFalse();
    }

    @Test
    void aCliOlderThanTheMinimumIsRefused() throws Exception {
        AgentResult result = run(agent("min-version", "9.0.0").start(request("success", "x").build(), new RecordingHandler()));

        assertThat(result.outcome()).isEqualTo(Outcome.INTERNAL_ERROR);
        assertThat(result.message()).isEqualTo("Agent could not start: claude 2.1.110 at " + stub
                + " is older than the supported minimum 9.0.0; upgrade it with 'npm install -g @anthropic-ai/claude-code'");
    }

    @Test
    void readinessReportsTheVersionAndTheCredentials() {
        Readiness r = new ClaudeAgentProvider().readiness(AgentConfig.of(Map.of("cli-path", stub.toString(), "api-key", KEY)));

        assertThat(r.ready()).isTrue();
        assertThat(r.summary()).isEqualTo("claude 2.1.110 at " + stub + "; API key set");
    }
}
