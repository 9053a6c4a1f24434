package io.repobox.agent.process;

import static io.repobox.agent.testing.RecordingHandler.SAFETY_NET;
import static io.repobox.agent.testing.TestProcesses.liveProcessesWithEnvironment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.repobox.agent.output.OutputLine;
import io.repobox.agent.process.ProcessResult.Outcome;
import io.repobox.agent.testing.RecordingHandler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The idle timeout (a hung program prints nothing) against real child processes. The programs that
 * must not be stopped run for about twice the idle timeout, printing every 0.2 s: were their output
 * not counted, the limit would stop them.
 */
class ProcessIdleIT {

    @TempDir
    Path dir;

    private final String testMarker = "PROCESS_IDLE_IT=" + UUID.randomUUID();

    private ProcessSpec.Builder spec(String script) {
        Map<String, String> env = EnvironmentPolicy.secretsWithheld().inherited();
        String[] kv = testMarker.split("=", 2);
        env.put(kv[0], kv[1]);
        return ProcessSpec.builder("sh", "-c", script).workingDirectory(dir).environment(env).gracePeriod(Duration.ofSeconds(1))
                .timeout(SAFETY_NET);
    }

    private static ProcessResult run(ProcessSpec spec, RecordingHandler out) throws InterruptedException {
        return ProcessRunner.start(spec, out).await(SAFETY_NET).orElseThrow(() -> new AssertionError("execution did not end"));
    }

    /** A loop printing 12 times, 0.2 s apart, with {@code print} (a shell command that uses $i). */
    private static String ticking(String print) {
        return "i=0; while [ $i -lt 12 ]; do " + print + "; sleep 0.2; i=$((i+1)); done";
    }

    @Test
    void aProgramThatGoesSilentIsStoppedAsIdleWithItsWholeTree() throws Exception {
        RecordingHandler out = new RecordingHandler();
        ProcessResult result = run(spec("echo started; sleep 600 & sleep 600").idleTimeout(Duration.ofSeconds(1)).build(), out);

        assertThat(result.outcome()).isEqualTo(Outcome.IDLE);
        assertThat(result.describe("Agent")).isEqualTo("Agent printed nothing for 1s; stopped it");
        assertThat(result.limit()).isEqualTo(Duration.ofSeconds(1));
        assertThat(result.stoppedProcesses()).isGreaterThanOrEqualTo(3); // the shell and both sleeps
        assertThat(result.duration()).isLessThan(Duration.ofSeconds(30));
        assertThat(out.texts()).containsExactly("started");
        assertThat(liveProcessesWithEnvironment(testMarker)).isEmpty();
    }

    @Test
    void outputOnlyOnStderrKeepsAProgramAlive() throws Exception {
        RecordingHandler out = new RecordingHandler();
        ProcessResult result = run(spec(ticking("echo tick $i >&2")).idleTimeout(Duration.ofMillis(1500)).build(), out);

        assertThat(result.outcome()).isEqualTo(Outcome.EXITED);
        assertThat(result.exitCode()).hasValue(0);
        assertThat(out.texts(OutputLine.Stream.STDERR)).hasSize(12);
        assertThat(result.duration()).isGreaterThan(Duration.ofMillis(1500)); // it did outlive the limit
    }

    @Test
    void aChildThatKeepsPrintingCountsAsOutputOfTheTree() throws Exception {
        RecordingHandler out = new RecordingHandler();
        // The shell itself prints nothing: it waits for a child that holds the same pipes.
        ProcessResult result = run(spec("(" + ticking("echo child $i") + ") & wait").idleTimeout(Duration.ofMillis(1500)).build(), out);

        assertThat(result.outcome()).isEqualTo(Outcome.EXITED);
        assertThat(out.texts()).hasSize(12).first().isEqualTo("child 0");
    }

    @Test
    void bytesWithoutANewlineCountAsOutput() throws Exception {
        RecordingHandler out = new RecordingHandler();
        // A progress bar of dots: no complete line until the end, yet clearly not hung.
        ProcessResult result = run(spec(ticking("printf .") + "; echo").idleTimeout(Duration.ofMillis(1500)).build(), out);

        assertThat(result.outcome()).isEqualTo(Outcome.EXITED);
        assertThat(out.texts()).containsExactly("............");
    }

    @Test
    void theOverallTimeoutStillAppliesToAProgramThatKeepsPrinting() throws Exception {
        RecordingHandler out = new RecordingHandler();
        ProcessResult result = run(spec("while :; do echo busy; sleep 0.1; done").timeout(Duration.ofSeconds(2))
                .idleTimeout(Duration.ofSeconds(1)).build(), out);

        assertThat(result.outcome()).isEqualTo(Outcome.TIMED_OUT);
        assertThat(result.describe("Agent")).startsWith("Agent timed out after 2s; stopped ");
    }

    @Test
    void anIdleTimeoutMustBePositive() {
        assertThatThrownBy(() -> spec("true").idleTimeout(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("idleTimeout must be positive, got PT0S");
    }
}
