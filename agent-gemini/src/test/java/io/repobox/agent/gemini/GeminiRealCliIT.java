package io.repobox.agent.gemini;

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
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Gemini CLI (installed by the real-CLI script; run with {@code -Preal-cli}) against a
 * stand-in for the Gemini API on 127.0.0.1: the CLI really writes files and runs commands.
 */
class GeminiRealCliIT {

    private static final String KEY = "AIzaSy-test-key-0123456789";

    @TempDir
    Path dir;

    private FakeGeminiApi api;
    private Path repo;
    private final String marker = UUID.randomUUID().toString();

    @BeforeEach
    void start() throws Exception {
        api = new FakeGeminiApi();
        repo = Files.createDirectories(dir.resolve("job/repo"));
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private AgentResult run(String prompt, Duration timeout, RecordingHandler sink) throws InterruptedException {
        String cli = System.getProperty("gemini.cli.path");
        assertThat(Path.of(cli)).as("the real CLI (installed by the real-CLI script)").isExecutable();
        Agent agent = new GeminiAgentProvider().create(AgentConfig.of(Map.of("cli-path", cli, "api-key", KEY, "grace-period", "2s",
                "base-url", api.baseUrl(), "model", "gemini-test")));
        AgentRequest request = AgentRequest.builder("job-real", repo).prompt(prompt).timeout(timeout)
                .environment(Map.of("REAL_CLI_IT", marker)).build();
        return agent.start(request, sink).await(SAFETY_NET.multipliedBy(3)).orElseThrow(() -> new AssertionError("did not end"));
    }

    @Test
    void aPlainAnswer() throws Exception {
        api.then(new FakeGeminiApi.Text("Hello from the stand-in."));
        RecordingHandler sink = new RecordingHandler();
        AgentResult result = run("Say hello", Duration.ofMinutes(2), sink);

        assertThat(result.outcome()).as(result.message()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(sink.texts()).contains("Hello from the stand-in.")
                .anyMatch(t -> t.matches("Gemini CLI \\d+\\.\\d+\\.\\d+ · model gemini-test · session .*"))
                .anyMatch(t -> t.startsWith("Result: success · "));
        assertThat(result.details()).containsKey("agent_session_id").containsEntry("agent_model", "gemini-test");
        assertThat(api.receivedPrompt().strip()).isEqualTo("Say hello");
        assertThat(api.requests()).allMatch(r -> KEY.equals(r.apiKey()));
    }

    @Test
    void aFileWrittenAndACommandRunInTheRepository() throws Exception {
        api.then(FakeGeminiApi.Calls.of("write_file", Map.of("file_path", repo.resolve("hello.txt").toString(), "content", "hi from gemini\n")))
                .then(FakeGeminiApi.Calls.of("run_shell_command", Map.of("command", "echo ran > ran.txt && echo finished")));
        RecordingHandler sink = new RecordingHandler();
        AgentResult result = run("Create hello.txt and run a command", Duration.ofMinutes(2), sink);

        assertThat(result.outcome()).as(result.message()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(Files.readString(repo.resolve("hello.txt"))).isEqualTo("hi from gemini\n");
        assertThat(Files.readString(repo.resolve("ran.txt"))).isEqualTo("ran\n");
        assertThat(sink.texts()).contains("→ write_file: " + repo.resolve("hello.txt"), "→ run_shell_command: echo ran > ran.txt && echo finished");
        try (var left = Files.list(repo.getParent())) {
            assertThat(left).as("the CLI's state is gone with the run").containsExactly(repo);
        }
    }

    @Test
    void aKeyTheApiRefusesIsExplained() throws Exception {
        api.always(new FakeGeminiApi.HttpError(400, "API key not valid. Please pass a valid API key."));
        AgentResult result = run("x", Duration.ofMinutes(2), new RecordingHandler());

        assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.exitCode()).hasValue(144);
        assertThat(result.message()).isEqualTo("The Gemini API rejected the request (400 bad request): API key not valid. Please pass a valid "
                + "API key.; check 'api-key'");
    }

    @Test
    void aRejectedKeyIsExplained() throws Exception {
        api.always(new FakeGeminiApi.HttpError(401, "Request had invalid authentication credentials."));
        AgentResult result = run("x", Duration.ofMinutes(2), new RecordingHandler());

        assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.exitCode()).hasValue(145); // 401 mod 256
        assertThat(result.message()).isEqualTo("Authentication rejected by the Gemini API (401): Request had invalid authentication "
                + "credentials.; check 'api-key'");
    }

    @Test
    void aTimeoutWhileACommandRunsLeavesNoProcessBehind() throws Exception {
        api.then(FakeGeminiApi.Calls.of("run_shell_command", Map.of("command", "(sleep 1000 &) ; sleep 1000")));
        RecordingHandler sink = new RecordingHandler();
        AgentResult result = run("Hang", Duration.ofSeconds(25), sink);

        assertThat(result.outcome()).isEqualTo(Outcome.TIMED_OUT);
        assertThat(sink.texts()).contains("→ run_shell_command: (sleep 1000 &) ; sleep 1000");
        assertThat(TestProcesses.liveProcessesWithEnvironment("REAL_CLI_IT=" + marker)).isEmpty();
    }

    @Test
    void aPromptStartingWithDashesArrivesIntact() throws Exception {
        AgentResult result = run("--version is not what I want; -p neither", Duration.ofMinutes(2), new RecordingHandler());

        assertThat(result.outcome()).as(result.message()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(api.receivedPrompt().strip()).isEqualTo("--version is not what I want; -p neither");
    }
}
