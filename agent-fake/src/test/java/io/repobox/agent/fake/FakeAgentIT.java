package io.repobox.agent.fake;

import static io.repobox.agent.testing.RecordingHandler.SAFETY_NET;
import static org.assertj.core.api.Assertions.assertThat;

import io.repobox.agent.Agent;
import io.repobox.agent.AgentConfig;
import io.repobox.agent.AgentExecution;
import io.repobox.agent.AgentRequest;
import io.repobox.agent.AgentResult.Outcome;
import io.repobox.agent.AgentResult;
import io.repobox.agent.output.OutputLine;
import io.repobox.agent.testing.RecordingHandler;
import io.repobox.agent.testing.TestProcesses;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fake agent running its real script through the process core. */
class FakeAgentIT {

    @TempDir
    Path repo;

    private final Agent agent = new FakeAgentProvider().create(AgentConfig.of(Map.of("grace-period", "1s")));
    private final String marker = UUID.randomUUID().toString();

    private AgentRequest.Builder request(String prompt) {
        return AgentRequest.builder("job-" + marker.substring(0, 8), repo).prompt(prompt).environment("FAKE_IT_MARKER", marker);
    }

    private AgentResult run(AgentExecution execution) throws InterruptedException {
        return execution.await(SAFETY_NET).orElseThrow(() -> new AssertionError("agent did not end"));
    }

    @Test
    void writesADeterministicFileAndStreamsItsOutput() throws Exception {
        RecordingHandler sink = new RecordingHandler();
        AgentResult result = run(agent.start(request("Add a README\n@fake lines=2 stderr-lines=1").environmentName("node").build(), sink));

        assertThat(result.outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(result.message()).isEqualTo("Dry run finished (fake agent, no AI)");
        assertThat(Files.readString(repo.resolve("REPOBOX_DRY_RUN.md"))).isEqualTo("# Dry run\n\n"
                + "Written by the repobox fake agent (a dry run: no AI was involved).\n\n"
                + "- job: job-" + marker.substring(0, 8) + "\n- environment: node\n\n## Prompt\n\nAdd a README\n@fake lines=2 stderr-lines=1\n");
        assertThat(sink.texts(OutputLine.Stream.STDOUT)).containsExactly(
                "[fake] dry run of job job-" + marker.substring(0, 8) + " in environment 'node' (no AI involved)",
                "[fake] wrote REPOBOX_DRY_RUN.md", "[fake] line 1 of 2", "[fake] line 2 of 2", "[fake] done");
        assertThat(sink.texts(OutputLine.Stream.STDERR)).containsExactly(
                "[fake] this is stderr, as agents print progress there too", "[fake] stderr line 1 of 1");
        assertThat(sink.lines()).allMatch(l -> l.source() == OutputLine.Source.AGENT);
    }

    @Test
    void writesIntoADirectoryItMakesAndPadsManyLinesToTheirWidth() throws Exception {
        RecordingHandler sink = new RecordingHandler();
        AgentResult result = run(agent.start(request("@fake file=notes/deep/dry.md lines=5 line-bytes=40").build(), sink));

        assertThat(result.outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(Files.readString(repo.resolve("notes/deep/dry.md"))).endsWith("## Prompt\n\n@fake file=notes/deep/dry.md lines=5 line-bytes=40\n");
        assertThat(sink.texts(OutputLine.Stream.STDOUT)).filteredOn(t -> t.startsWith("[fake] line ")).hasSize(5)
                .allMatch(t -> t.length() == 40).first().asString().startsWith("[fake] line 1 of 5 x");
    }

    @Test
    void startsItsProcessThroughTheRequestsLauncher() throws Exception {
        java.util.List<io.repobox.agent.process.ProcessSpec> launched = new java.util.concurrent.CopyOnWriteArrayList<>();
        io.repobox.agent.process.ProcessLauncher recording = (spec, handler) -> {
            launched.add(spec);
            return io.repobox.agent.process.ProcessRunner.start(spec, handler);
        };
        AgentResult result = run(agent.start(request("Add a README").launcher(recording).build(), new RecordingHandler()));

        assertThat(result.outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(launched).hasSize(1);
        assertThat(launched.get(0).name()).isEqualTo("fake agent for job job-" + marker.substring(0, 8));
    }

    @Test
    void aNonZeroExitIsAFailureQuotingStderr() throws Exception {
        AgentResult result = run(agent.start(request("@fake exit-code=3 error=model+overloaded").build(), new RecordingHandler()));

        assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.exitCode()).hasValue(3);
        assertThat(result.message()).isEqualTo("Agent exited with code 3: [fake] this is stderr, as agents print progress "
                + "there too · [fake] error: model overloaded");
    }

    @Test
    void anErrorReportedWithExitCodeZeroIsStillAFailure() throws Exception {
        AgentResult result = run(agent.start(request("@fake error=quota+exceeded").build(), new RecordingHandler()));

        assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.exitCode()).isEmpty();
        assertThat(result.message()).isEqualTo("Agent reported an error: quota exceeded");
    }

    @Test
    void overrunningTheTimeoutStopsTheAgentAndWhatItStarted() throws Exception {
        RecordingHandler sink = new RecordingHandler();
        AgentResult result = run(agent.start(request("@fake spawn=true sleep=1h").timeout(Duration.ofSeconds(2)).build(), sink));

        assertThat(result.outcome()).isEqualTo(Outcome.TIMED_OUT);
        assertThat(result.message()).matches("Agent timed out after 2s; stopped \\d+ processes");
        assertThat(sink.texts()).contains("[fake] left a background process running");
        assertThat(TestProcesses.liveProcessesWithEnvironment("FAKE_IT_MARKER=" + marker)).isEmpty();
    }

    @Test
    void cancelStopsTheAgent() throws Exception {
        RecordingHandler sink = new RecordingHandler();
        AgentExecution execution = agent.start(request("@fake sleep=1h").build(), sink);
        sink.awaitText("[fake] sleeping 3600s");

        execution.cancel();
        AgentResult result = run(execution);

        assertThat(result.outcome()).isEqualTo(Outcome.CANCELLED);
        assertThat(result.message()).matches("Agent was cancelled; stopped \\d+ process(es)?");
        assertThat(TestProcesses.liveProcessesWithEnvironment("FAKE_IT_MARKER=" + marker)).isEmpty();
    }

    @Test
    void hostileOutputArrivesAsValidBoundedLines() throws Exception {
        RecordingHandler sink = new RecordingHandler();
        AgentResult result = run(agent.start(request("@fake garbage=true unterminated-bytes=100000 write=false").build(), sink));

        assertThat(result.isSuccess()).isTrue();
        assertThat(sink.texts()).contains("invalid utf-8: \uFFFD\uFFFD nul: \uFFFD ansi: \u001b[31mred\u001b[0m");
        assertThat(sink.texts()).filteredOn(t -> t.matches("x+")).hasSize(7)
                .allSatisfy(t -> assertThat(t.length()).isLessThanOrEqualTo(16 * 1024));
        assertThat(repo.resolve("REPOBOX_DRY_RUN.md")).doesNotExist();
    }

    @Test
    void secretsInTheRequestAreMaskedInItsOutput() throws Exception {
        RecordingHandler sink = new RecordingHandler();
        AgentResult result = run(agent.start(request("@fake error=token+glpat-0123456789").secret("glpat-0123456789").build(), sink));

        assertThat(result.message()).isEqualTo("Agent reported an error: token ***");
        assertThat(sink.texts()).contains("[fake] error: token ***").noneMatch(t -> t.contains("glpat-0123456789"));
    }

    @Test
    void badDirectivesEndTheExecutionWithAClearMessage() throws Exception {
        AgentResult result = run(agent.start(request("@fake lines=many").build(), new RecordingHandler()));

        assertThat(result.outcome()).isEqualTo(Outcome.INTERNAL_ERROR);
        assertThat(result.message()).isEqualTo("Agent could not start: configuration 'lines' must be a whole number, got 'many'");
    }

    @Test
    void aMissingWorkingDirectoryIsAnInternalError() throws Exception {
        AgentResult result = run(agent.start(AgentRequest.builder("j", repo.resolve("nope")).build(), new RecordingHandler()));

        assertThat(result.outcome()).isEqualTo(Outcome.INTERNAL_ERROR);
        assertThat(result.message()).isEqualTo("Agent could not start: working directory '" + repo.resolve("nope")
                + "' does not exist");
    }
}
