package io.repobox.agent.codex;

import static io.repobox.agent.testing.RecordingHandler.SAFETY_NET;
import static org.assertj.core.api.Assertions.assertThat;

import io.repobox.agent.Agent;
import io.repobox.agent.AgentConfig;
import io.repobox.agent.AgentExecution;
import io.repobox.agent.AgentRequest;
import io.repobox.agent.AgentResult.Outcome;
import io.repobox.agent.AgentResult;
import io.repobox.agent.Readiness;
import io.repobox.agent.output.OutputLine;
import io.repobox.agent.process.LineHandler;
import io.repobox.agent.process.ProcessExecution;
import io.repobox.agent.process.ProcessLauncher;
import io.repobox.agent.process.ProcessSpec;
import io.repobox.agent.testing.RecordingHandler;
import io.repobox.agent.testing.TestProcesses;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The provider against a stub CLI (a real child process) that prints what codex 0.171.0 prints. */
class CodexAgentIT {

    private static final String KEY = "sk-proj-secret-value-123456";

    @TempDir
    Path dir;

    private Path stub;
    private Path record;
    private Path repo;
    private final String marker = UUID.randomUUID().toString();

    @BeforeEach
    void installStub() throws Exception {
        stub = dir.resolve("bin/codex");
        Files.createDirectories(stub.getParent());
        try (InputStream in = getClass().getResourceAsStream("codex-stub.sh")) {
            Files.write(stub, in.readAllBytes());
        }
        Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwx------"));
        record = Files.createDirectories(dir.resolve("record"));
        repo = Files.createDirectories(dir.resolve("work/repo"));
    }

    private Agent agent(String... kv) {
        Map<String, String> config = new HashMap<>(Map.of("cli-path", stub.toString(), "api-key", KEY, "grace-period", "1s"));
        for (int i = 0; i < kv.length; i += 2) {
            config.put(kv[i], kv[i + 1]);
        }
        return new CodexAgentProvider().create(AgentConfig.of(config));
    }

    private AgentRequest.Builder request(String scenario, String prompt) {
        return AgentRequest.builder("job-1", repo).prompt(prompt)
                .environment(Map.of("STUB_SCENARIO", scenario, "STUB_RECORD", record.toString(), "CODEX_IT", marker));
    }

    private static AgentResult run(AgentExecution execution) throws InterruptedException {
        return execution.await(SAFETY_NET).orElseThrow(() -> new AssertionError("agent did not end"));
    }

    private Map<String, String> recordedEnvironment() throws Exception {
        Map<String, String> env = new HashMap<>();
        for (String line : Files.readAllLines(record.resolve("env"))) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                env.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return env;
    }

    @Test
    void aSuccessfulRunIsRenderedLiveAndReportsItsFacts() throws Exception {
        RecordingHandler sink = new RecordingHandler();
        AgentResult result = run(agent("model", "gpt-test").start(request("success", "Add hello.txt").build(), sink));

        assertThat(result.outcome()).as(result.message()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(result.message()).matches("Agent finished in \\S+, 200 tokens in, 24 out");
        assertThat(sink.texts(OutputLine.Stream.STDOUT)).containsExactly(
                "Codex 0.171.0 · model gpt-test · sandbox workspace-write · session th-1",
                "[warning] Model metadata for `gpt-test` not found. Defaulting to fallback metadata; this can degrade performance and cause issues.",
                "[turn.started]", "(thinking) **Planning the change** …", "[plan] 0/2 done; next: write hello",
                "→ apply_patch: add /repo/hello.txt", "← apply_patch: completed", "→ shell: npm test", "← shell failed: 1 failing … (2 lines)",
                "a line that is not json", "Added hello.txt.", "Tests fail.", "Result: success · 1 turn · 200 tokens in (80 cached), 24 out");
        assertThat(sink.texts(OutputLine.Stream.STDERR)).containsExactly("progress on stderr");
        assertThat(result.details()).containsEntry("agent_session_id", "th-1").containsEntry("agent_version", "0.171.0")
                .containsEntry("agent_turns", "1").containsEntry("agent_input_tokens", "200").containsEntry("agent_output_tokens", "24")
                .doesNotContainKey("agent_cost_usd");
    }

    @Test
    void thePromptGoesToStdinAndTheKeyOnlyToTheCliUnderTheProvidersVariable() throws Exception {
        String prompt = "--help me\n-p is not a flag here\n" + "y".repeat(300_000);
        AgentResult result = run(agent("base-url", "http://127.0.0.1:9").start(request("success", prompt).build(), new RecordingHandler()));

        assertThat(result.isSuccess()).as(result.message()).isTrue();
        assertThat(Files.readString(record.resolve("stdin"))).isEqualTo(prompt);
        assertThat(Files.readAllLines(record.resolve("argv"))).containsExactly("exec", "--json", "--skip-git-repo-check", "--color=never",
                "--sandbox=workspace-write", "--config=check_for_update_on_startup=false", "--config=model_provider=repobox",
                "--config=model_providers.repobox={name=\"repobox\", base_url=\"http://127.0.0.1:9/v1\", env_key=\"OPENAI_API_KEY\", "
                        + "wire_api=\"responses\"}", "-");
        assertThat(Files.readString(record.resolve("argv"))).doesNotContain(KEY);
        assertThat(recordedEnvironment()).containsEntry("OPENAI_API_KEY", KEY);
    }

    @Test
    void theCliKeepsItsStateInAPerJobDirectoryOutsideTheRepositoryRemovedAfterwards() throws Exception {
        run(agent().start(request("success", "x").build(), new RecordingHandler()));

        Path codexHome = Path.of(recordedEnvironment().get("CODEX_HOME"));
        assertThat(codexHome.startsWith(repo)).isFalse();
        // The CLI refuses to put its helpers under the temp directory: the job's own TMPDIR is beside CODEX_HOME, not above it.
        assertThat(codexHome.startsWith(Path.of(recordedEnvironment().get("TMPDIR")))).isFalse();
        assertThat(codexHome.getParent().getParent()).isEqualTo(repo.getParent());
        assertThat(codexHome).doesNotExist();
        try (Stream<Path> left = Files.list(repo.getParent())) {
            assertThat(left).containsExactly(repo);
        }
    }

    @Test
    void aHomeGivenByTheRunnerHoldsTheState() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        run(agent().start(request("success", "x").environment("HOME", home.toString()).build(), new RecordingHandler()));

        assertThat(recordedEnvironment()).containsEntry("CODEX_HOME", home.resolve(".codex").toString());
    }

    @Test
    void theKeyIsMaskedInEveryLineAndInTheMessage() throws Exception {
        RecordingHandler sink = new RecordingHandler();
        AgentResult result = run(agent().start(request("leak-key", "x").build(), sink));

        assertThat(sink.lines()).noneMatch(l -> l.text().contains(KEY) || (l.event() != null && l.event().contains(KEY)));
        assertThat(sink.texts()).contains("my key is ***", "key on stderr: ***");
        assertThat(result.message()).isEqualTo("Agent failed: failed with ***");
    }

    @Test
    void aRejectedKeyIsExplainedWithTheSettingToCheck() throws Exception {
        RecordingHandler sink = new RecordingHandler();
        AgentResult result = run(agent("base-url", "http://127.0.0.1:9/v1").start(request("auth", "x").build(), sink));

        assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.exitCode()).hasValue(1);
        assertThat(result.message()).isEqualTo("Authentication rejected by the model API at http://127.0.0.1:9/v1 (401): "
                + "Incorrect API key provided; check 'api-key'");
        assertThat(sink.texts()).contains("API authentication rejected (401) — retry 1 of 5", "Result: error (turn.failed)");
    }

    @Test
    void rateLimitsAndServerErrorsThatOutlastTheRetriesAreNamed() throws Exception {
        assertThat(run(agent().start(request("rate-limited", "x").build(), new RecordingHandler())).message())
                .isEqualTo("Rate limited by the model API (429) until the CLI's retries ran out: exceeded retry limit, last status: 429 Too Many Requests");
        assertThat(run(agent().start(request("server-error", "x").build(), new RecordingHandler())).message())
                .isEqualTo("The model API failed (a server error) until the CLI's retries ran out: "
                        + "We’re currently experiencing high demand, which may cause temporary errors.");
    }

    @Test
    void aTimeoutDuringRetriesSaysWhatTheApiAnswered() throws Exception {
        AgentResult result = run(agent().start(request("retrying", "x").timeout(Duration.ofSeconds(2)).build(), new RecordingHandler()));

        assertThat(result.outcome()).isEqualTo(Outcome.TIMED_OUT);
        assertThat(result.message()).matches("Agent timed out after 2s; stopped \\d+ process(es)?; the model API answered 503 \\(unavailable\\); "
                + "the CLI was at retry 2 of 5");
        assertThat(TestProcesses.liveProcessesWithEnvironment("CODEX_IT=" + marker)).isEmpty();
    }

    @Test
    void exitZeroWithoutACompletedTurnIsAFailure() throws Exception {
        AgentResult result = run(agent().start(request("no-result", "x").build(), new RecordingHandler()));

        assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.message()).isEqualTo("Agent ended without reporting a result: the model went away");
    }

    @Test
    void cancelStopsTheCliAndEverythingItStarted() throws Exception {
        RecordingHandler sink = new RecordingHandler();
        AgentExecution execution = agent().start(request("forever", "x").build(), sink);
        sink.awaitLine(l -> l.text().startsWith("Codex"));

        execution.cancel();
        AgentResult result = run(execution);

        assertThat(result.outcome()).isEqualTo(Outcome.CANCELLED);
        assertThat(TestProcesses.liveProcessesWithEnvironment("CODEX_IT=" + marker)).isEmpty();
    }

    @Test
    void withoutAKeyItRefusesToStartAndSaysWhichVariable() throws Exception {
        Agent agent = new CodexAgentProvider().create(AgentConfig.of(Map.of("cli-path", stub.toString())));
        AgentResult result = run(agent.start(request("success", "x").build(), new RecordingHandler()));

        assertThat(result.outcome()).isEqualTo(Outcome.INTERNAL_ERROR);
        assertThat(result.message()).isEqualTo("Agent could not start: the Codex CLI has no API key; set 'api-key'");
    }

    @Test
    void aMissingOrOldCliIsRefusedWithWhatToDo() throws Exception {
        Agent missing = new CodexAgentProvider().create(AgentConfig.of(Map.of("cli-path", "no-such-codex-cli", "api-key", KEY)));
        assertThat(run(missing.start(request("success", "x").build(), new RecordingHandler())).message())
                .isEqualTo("Agent could not start: 'no-such-codex-cli' not found on PATH (install it with 'npm install -g @openai/codex', or set 'cli-path')");
        assertThat(run(agent("min-version", "9.0.0").start(request("success", "x").build(), new RecordingHandler())).message())
                .isEqualTo("Agent could not start: codex 0.171.0 at " + stub + " is older than the supported minimum 9.0.0; "
                        + "upgrade it with 'npm install -g @openai/codex'");
    }

    @Test
    void readinessReportsTheVersionTheKeyAndTheEndpoint() {
        Readiness r = new CodexAgentProvider().readiness(AgentConfig.of(Map.of("cli-path", stub.toString(), "api-key", KEY)));

        assertThat(r.ready()).isTrue();
        assertThat(r.summary()).isEqualTo("codex 0.171.0 at " + stub + "; API key set; model API https://api.openai.com/v1");
        assertThat(new CodexAgentProvider().readiness(AgentConfig.of(Map.of("cli-path", stub.toString()))).problems())
                .containsExactly("set 'api-key': the Codex CLI gets its key from it");
    }

    @Test
    void underTheRunnersSandboxTheCliDoesNotNestItsOwn() throws Exception {
        ProcessLauncher confined = new ProcessLauncher() {
            @Override
            public ProcessExecution start(ProcessSpec spec, LineHandler handler) {
                return ProcessLauncher.direct().start(spec, handler);
            }

            @Override
            public boolean confined() {
                return true;
            }
        };
        run(agent().start(request("success", "x").launcher(confined).build(), new RecordingHandler()));

        assertThat(Files.readAllLines(record.resolve("argv"))).contains("--dangerously-bypass-approvals-and-sandbox")
                .doesNotContain("--sandbox=workspace-write");
        assertThat(recordedEnvironment()).doesNotContainKey("CODEX_HOME");
    }
}
