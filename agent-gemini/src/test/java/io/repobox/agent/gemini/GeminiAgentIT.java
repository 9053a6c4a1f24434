package io.repobox.agent.gemini;

import static io.repobox.agent.testing.RecordingHandler.SAFETY_NET;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The provider against a stub CLI (a real child process) that prints what the Gemini CLI 0.61.0 prints. */
class GeminiAgentIT {

    private static final String KEY = "AIzaSy-secret-value-123456";

    @TempDir
    Path dir;

    private Path stub;
    private Path record;
    private Path repo;
    private final String marker = UUID.randomUUID().toString();

    @BeforeEach
    void installStub() throws Exception {
        stub = dir.resolve("bin/gemini");
        Files.createDirectories(stub.getParent());
        try (InputStream in = getClass().getResourceAsStream("gemini-stub.sh")) {
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
        return new GeminiAgentProvider().create(AgentConfig.of(config));
    }

    private AgentRequest.Builder request(String scenario, String prompt) {
        return AgentRequest.builder("job-1", repo).prompt(prompt)
                .environment(Map.of("STUB_SCENARIO", scenario, "STUB_RECORD", record.toString(), "GEMINI_IT", marker));
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
        AgentResult result = run(agent().start(request("success", "Write hello").build(), sink));

        assertThat(result.outcome()).as(result.message()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(result.message()).matches("Agent finished in \\S+, 200 tokens in, 20 out");
        assertThat(sink.texts(OutputLine.Stream.STDOUT)).containsExactly(
                "Gemini CLI 0.61.0 · model gemini-test · session gs-1", "[message]", "→ write_file: hello.txt", "→ run_shell_command: npm test",
                "← write_file: (no output)", "← run_shell_command failed: 1 failing … (2 lines)", "Added hello.txt.", "Tests fail.",
                "Result: success · 609ms · 200 tokens in (40 cached), 20 out");
        assertThat(sink.texts(OutputLine.Stream.STDERR)).containsExactly("YOLO mode is enabled. All tool calls will be automatically approved.",
                "Ripgrep is not available. Falling back to GrepTool.");
        assertThat(result.details()).containsEntry("agent_session_id", "gs-1").containsEntry("agent_version", "0.61.0")
                .containsEntry("agent_model", "gemini-test").containsEntry("agent_input_tokens", "200").containsEntry("agent_output_tokens", "20");
    }

    @Test
    void thePromptGoesToStdinWithYoloAndSkipTrustAndTheKeyOnlyToTheCli() throws Exception {
        String prompt = "--help me\n-p is not a flag here\n" + "y".repeat(300_000);
        AgentResult result = run(agent("model", "gemini-test", "base-url", "http://127.0.0.1:9").start(request("success", prompt).build(),
                new RecordingHandler()));

        assertThat(result.isSuccess()).as(result.message()).isTrue();
        assertThat(Files.readString(record.resolve("stdin"))).isEqualTo(prompt);
        assertThat(Files.readAllLines(record.resolve("argv"))).containsExactly("--output-format=stream-json", "--yolo", "--skip-trust",
                "--model=gemini-test");
        assertThat(Files.readString(record.resolve("argv"))).doesNotContain(KEY);
        assertThat(recordedEnvironment()).containsEntry("GEMINI_API_KEY", KEY).containsEntry("GOOGLE_GEMINI_BASE_URL", "http://127.0.0.1:9");
    }

    @Test
    void aPerJobSettingsFileSelectsKeyAuthenticationDisablesStatisticsAndCarriesTheTurnLimit() throws Exception {
        run(agent("max-turns", "7").start(request("success", "x").build(), new RecordingHandler()));

        var settings = new ObjectMapper().readTree(record.resolve("settings.json").toFile());
        assertThat(settings.at("/security/auth/selectedType").asText()).isEqualTo("gemini-api-key");
        assertThat(settings.at("/privacy/usageStatisticsEnabled").asBoolean(true)).isFalse();
        assertThat(settings.at("/model/maxSessionTurns").asInt()).isEqualTo(7);
        Path home = Path.of(recordedEnvironment().get("GEMINI_CLI_HOME"));
        assertThat(home.startsWith(repo)).isFalse();
        assertThat(home).doesNotExist();
        try (Stream<Path> left = Files.list(repo.getParent())) {
            assertThat(left).containsExactly(repo);
        }
    }

    @Test
    void theKeyIsMaskedInEveryLineAndInTheMessage() throws Exception {
        RecordingHandler sink = new RecordingHandler();
        AgentResult result = run(agent().start(request("leak-key", "x").build(), sink));

        assertThat(sink.lines()).noneMatch(l -> l.text().contains(KEY) || (l.event() != null && l.event().contains(KEY)));
        assertThat(sink.texts()).contains("my key is ***", "key on stderr: ***");
        assertThat(result.message()).isEqualTo("Agent exited with code 1: failed with ***");
    }

    @Test
    void apiErrorsAreWordedWithTheSettingToCheck() throws Exception {
        AgentResult bad = run(agent().start(request("bad-key", "x").build(), new RecordingHandler()));
        assertThat(bad.exitCode()).hasValue(144);
        assertThat(bad.message()).isEqualTo("The Gemini API rejected the request (400 bad request): API key not valid. Please pass a valid API key.; "
                + "check 'api-key'");
        assertThat(run(agent().start(request("server-error", "x").build(), new RecordingHandler())).message())
                .isEqualTo("The Gemini API failed (500): Internal error encountered.");
        assertThat(run(agent().start(request("auth-method", "x").build(), new RecordingHandler())).message())
                .isEqualTo("The Gemini CLI refused its authentication settings (exit 41): Invalid auth method selected.; set 'api-key'");
    }

    @Test
    void aTurnLimitSaysWhichBudgetStoppedIt() throws Exception {
        AgentResult result = run(agent("max-turns", "3").start(request("max-turns", "x").build(), new RecordingHandler()));

        assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.message()).isEqualTo("Agent stopped after reaching its maximum of 3 turns; raise 'max-turns' or narrow the prompt");
    }

    @Test
    void aTimeoutWhileTheCliRetriesOnStderrSaysWhatTheApiAnswered() throws Exception {
        AgentResult result = run(agent().start(request("rate-limited", "x").timeout(Duration.ofSeconds(2)).build(), new RecordingHandler()));

        assertThat(result.outcome()).isEqualTo(Outcome.TIMED_OUT);
        assertThat(result.message()).matches("Agent timed out after 2s; stopped \\d+ process(es)?; the Gemini API answered 429 \\(rate limited\\); "
                + "the CLI was at attempt 2");
        assertThat(TestProcesses.liveProcessesWithEnvironment("GEMINI_IT=" + marker)).isEmpty();
    }

    @Test
    void cancelStopsTheCliAndEverythingItStarted() throws Exception {
        RecordingHandler sink = new RecordingHandler();
        AgentExecution execution = agent().start(request("forever", "x").build(), sink);
        sink.awaitLine(l -> l.text().startsWith("Gemini CLI"));

        execution.cancel();
        AgentResult result = run(execution);

        assertThat(result.outcome()).isEqualTo(Outcome.CANCELLED);
        assertThat(TestProcesses.liveProcessesWithEnvironment("GEMINI_IT=" + marker)).isEmpty();
    }

    @Test
    void withoutAKeyOrACliItRefusesToStartAndSaysWhatToDo() throws Exception {
        Agent keyless = new GeminiAgentProvider().create(AgentConfig.of(Map.of("cli-path", stub.toString())));
        assertThat(run(keyless.start(request("success", "x").build(), new RecordingHandler())).message())
                .isEqualTo("Agent could not start: the Gemini CLI has no API key; set 'api-key'");
        Agent missing = new GeminiAgentProvider().create(AgentConfig.of(Map.of("cli-path", "no-such-gemini-cli", "api-key", KEY)));
        assertThat(run(missing.start(request("success", "x").build(), new RecordingHandler())).message())
                .isEqualTo("Agent could not start: 'no-such-gemini-cli' not found on PATH (install it with 'npm install -g @google/gemini-cli', "
                        + "or set 'cli-path')");
    }

    @Test
    void readinessReportsTheVersionTheKeyAndTheEndpoint() {
        Readiness r = new GeminiAgentProvider().readiness(AgentConfig.of(Map.of("cli-path", stub.toString(), "api-key", KEY)));

        assertThat(r.ready()).isTrue();
        assertThat(r.summary()).isEqualTo("gemini 0.61.0 at " + stub + "; API key set; model API https://generativelanguage.googleapis.com");
    }
}
