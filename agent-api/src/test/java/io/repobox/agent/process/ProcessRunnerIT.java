package io.repobox.agent.process;

import static io.repobox.agent.testing.RecordingHandler.SAFETY_NET;
import static io.repobox.agent.testing.TestProcesses.isGone;
import static io.repobox.agent.testing.TestProcesses.liveProcessesWithEnvironment;
import static io.repobox.agent.testing.TestProcesses.pids;
import static io.repobox.agent.testing.TestProcesses.script;
import static org.assertj.core.api.Assertions.assertThat;

import io.repobox.agent.output.OutputLine;
import io.repobox.agent.output.SecretMasker;
import io.repobox.agent.process.ProcessResult.Outcome;
import io.repobox.agent.process.ProcessResult.StartFailure;
import io.repobox.agent.process.internal.ProcessTree;
import io.repobox.agent.testing.RecordingHandler;
import io.repobox.agent.testing.TestProcesses;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The process core against real child processes. */
class ProcessRunnerIT {

    @TempDir
    Path dir;

    /** A variable only this test's processes carry, to look for survivors independently of the implementation. */
    private final String testMarker = "PROCESS_RUNNER_IT=" + UUID.randomUUID();

    private ProcessSpec.Builder spec(String... command) {
        Map<String, String> env = EnvironmentPolicy.secretsWithheld().inherited();
        String[] kv = testMarker.split("=", 2);
        env.put(kv[0], kv[1]);
        return ProcessSpec.builder(command).workingDirectory(dir).environment(env).gracePeriod(Duration.ofSeconds(1));
    }

    private ProcessResult await(ProcessExecution execution) throws InterruptedException {
        return execution.await(SAFETY_NET).orElseThrow(() -> new AssertionError("execution did not end"));
    }

    @Test
    void linesArriveWhileTheProcessIsStillRunning() throws Exception {
        Path fifo = dir.resolve("fifo");
        new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor();
        RecordingHandler out = new RecordingHandler();
        ProcessExecution execution = ProcessRunner.start(spec("sh", script("fifo.sh", dir).toString(), fifo.toString()).build(), out);

        out.awaitText("first");
        assertThat(execution.isDone()).isFalse();
        try (OutputStream w = Files.newOutputStream(fifo)) {
            w.write("go\n".getBytes(StandardCharsets.UTF_8));
        }

        ProcessResult result = await(execution);
        assertThat(result.outcome()).isEqualTo(Outcome.EXITED);
        assertThat(result.exitCode()).hasValue(0);
        assertThat(out.texts(OutputLine.Stream.STDOUT)).containsExactly("first", "second go");
    }

    @Test
    void largeStdinIsWrittenWhileLargeOutputIsReadWithoutDeadlock() throws Exception {
        StringBuilder input = new StringBuilder();
        for (int i = 0; i < 200_000; i++) {
            input.append("line ").append(i).append('\n');
        }
        RecordingHandler out = new RecordingHandler();
        ProcessResult result = await(ProcessRunner.start(spec("cat").stdin(input.toString()).build(), out));

        assertThat(result.isSuccess()).isTrue();
        List<String> texts = out.texts();
        assertThat(texts).hasSize(200_000);
        assertThat(texts.get(0)).isEqualTo("line 0");
        assertThat(texts.get(199_999)).isEqualTo("line 199999");
    }

    @Test
    void theChildGetsExactlyTheGivenEnvironmentPlusTheMarker() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", System.getenv("PATH"));
        env.put("ONLY_THIS", "yes");
        RecordingHandler out = new RecordingHandler();
        ProcessResult result = await(ProcessRunner.start(ProcessSpec.builder("env").workingDirectory(dir).environment(env).build(), out));

        assertThat(result.isSuccess()).isTrue();
        assertThat(out.texts()).containsExactlyInAnyOrder("PATH=" + System.getenv("PATH"), "ONLY_THIS=yes",
                out.texts().stream().filter(t -> t.startsWith(ProcessTree.MARKER_VARIABLE + "=")).findFirst().orElse("marker missing"));
    }

    @Test
    void aNonZeroExitIsDescribedWithTheLastStderrLines() throws Exception {
        RecordingHandler out = new RecordingHandler();
        ProcessResult result = await(ProcessRunner.start(spec("sh", script("fail.sh", dir).toString(), "3").build(), out));

        assertThat(result.outcome()).isEqualTo(Outcome.EXITED);
        assertThat(result.exitCode()).hasValue(3);
        assertThat(result.stderrTail()).containsExactly("warning: something odd", "Not logged in", "Please run /login");
        assertThat(result.describe("Agent"))
                .isEqualTo("Agent exited with code 3: warning: something odd · Not logged in · Please run /login");
        assertThat(out.texts(OutputLine.Stream.STDOUT)).containsExactly("working");
    }

    @Test
    void secretsAreMaskedInLinesAndInTheTail() throws Exception {
        RecordingHandler out = new RecordingHandler();
        ProcessResult result = await(ProcessRunner.start(spec("sh", "-c", "echo token=s3cr3t-value; echo bad s3cr3t-value >&2; exit 1")
                .masker(SecretMasker.of(List.of("s3cr3t-value"))).build(), out));

        assertThat(out.texts()).containsExactlyInAnyOrder("token=***", "bad ***");
        assertThat(result.describe("Agent")).isEqualTo("Agent exited with code 1: bad ***");
    }

    @Test
    void aMissingProgramIsAClearStartFailure() throws Exception {
        ProcessResult result = await(ProcessRunner.start(spec("no-such-agent-cli-xyz").build(), new RecordingHandler()));

        assertThat(result.outcome()).isEqualTo(Outcome.FAILED_TO_START);
        assertThat(result.startFailure()).isEqualTo(StartFailure.NOT_FOUND);
        assertThat(result.describe("Agent")).isEqualTo("Agent could not start: 'no-such-agent-cli-xyz' not found on PATH");
    }

    @Test
    void aMissingPathAFileWithoutExecutePermissionAndABadInterpreterAreExplained() throws Exception {
        Path plain = Files.writeString(dir.resolve("plain.sh"), "#!/bin/sh\necho hi\n");
        Path badInterpreter = Files.writeString(dir.resolve("bad.sh"), "#!/no/such/interpreter\necho hi\n");
        badInterpreter.toFile().setExecutable(true);

        ProcessResult missing = await(ProcessRunner.start(spec("./not-there").build(), new RecordingHandler()));
        ProcessResult notExecutable = await(ProcessRunner.start(spec(plain.toString()).build(), new RecordingHandler()));
        ProcessResult interpreter = await(ProcessRunner.start(spec(badInterpreter.toString()).build(), new RecordingHandler()));

        assertThat(missing.describe("Agent")).isEqualTo("Agent could not start: './not-there' does not exist");
        assertThat(notExecutable.startFailure()).isEqualTo(StartFailure.NOT_EXECUTABLE);
        assertThat(notExecutable.describe("Agent"))
                .isEqualTo("Agent could not start: '" + plain + "' is not an executable file (missing execute permission?)");
        assertThat(interpreter.describe("Agent"))
                .isEqualTo("Agent could not start: '" + badInterpreter + "' exists but its interpreter was not found (check its #! line)");
    }

    @Test
    void aMissingWorkingDirectoryIsAClearStartFailure() throws Exception {
        ProcessResult result = await(ProcessRunner.start(spec("true").workingDirectory(dir.resolve("gone")).build(), new RecordingHandler()));

        assertThat(result.startFailure()).isEqualTo(StartFailure.BAD_WORKING_DIRECTORY);
        assertThat(result.describe("git clone")).isEqualTo("git clone could not start: working directory '" + dir.resolve("gone") + "' does not exist");
    }

    @Test
    void garbageBytesBecomeValidLines() throws Exception {
        RecordingHandler out = new RecordingHandler();
        // invalid UTF-8 (\377), a NUL, an ANSI escape, CRLF, and a last line without newline
        ProcessResult result = await(ProcessRunner.start(spec("printf", "a\\377b\\000c\\r\\n\\033[31mred\\033[0m\\nlast").build(), out));

        assertThat(result.isSuccess()).isTrue();
        assertThat(out.texts()).containsExactly("a\uFFFDb\uFFFDc", "\u001b[31mred\u001b[0m", "last");
    }

    @Test
    void aLongLineIsSplitIntoBoundedPiecesThatAddUpToIt() throws Exception {
        RecordingHandler out = new RecordingHandler();
        ProcessResult result = await(ProcessRunner.start(spec("sh", "-c", "head -c 100000 /dev/zero | tr '\\000' x; echo; echo after")
                .maxLineBytes(16 * 1024).build(), out));

        assertThat(result.isSuccess()).isTrue();
        List<String> texts = out.texts();
        assertThat(texts).last().isEqualTo("after");
        List<String> pieces = texts.subList(0, texts.size() - 1);
        assertThat(pieces).allSatisfy(p -> assertThat(p.length()).isLessThanOrEqualTo(16 * 1024));
        assertThat(String.join("", pieces)).hasSize(100_000).matches("x+");
    }

    /** A JVM with a 24 MB heap streams a 50 MB line: it would fail with OutOfMemoryError if the line were buffered. */
    @Test
    void aFiftyMegabyteLineWithoutNewlinePassesWithBoundedMemory() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        RecordingHandler out = new RecordingHandler();
        ProcessResult result = await(ProcessRunner.start(spec(java, "-Xmx24m", "-cp", System.getProperty("java.class.path"),
                BigLineProbe.class.getName(), "50000000").build(), out));

        assertThat(out.texts()).contains("bytes=50000000 maxPiece=16384 outcome=EXITED");
        assertThat(result.isSuccess()).as("probe output: %s", out.texts()).isTrue();
    }

    @Test
    void cancelStopsEveryKindOfDescendant() throws Exception {
        Path pidFile = dir.resolve("pids");
        RecordingHandler out = new RecordingHandler();
        ProcessExecution execution = ProcessRunner.start(spec("sh", script("tree.sh", dir).toString(), pidFile.toString()).build(), out);
        out.awaitText("ready");
        List<Long> descendants = pids(pidFile);
        assertThat(descendants).hasSize(4).noneMatch(TestProcesses::isGone);

        execution.cancel();
        ProcessResult result = await(execution);

        assertThat(result.outcome()).isEqualTo(Outcome.CANCELLED);
        assertThat(result.stoppedProcesses()).isGreaterThanOrEqualTo(5); // the script, its sleep, and the four
        assertThat(descendants).allMatch(TestProcesses::isGone);
        assertThat(isGone(execution.pid())).isTrue();
        assertThat(liveProcessesWithEnvironment(testMarker)).isEmpty();
        assertThat(result.describe("Agent")).matches("Agent was cancelled; stopped \\d+ processes");
    }

    @Test
    void timeoutStopsEveryKindOfDescendant() throws Exception {
        Path pidFile = dir.resolve("pids");
        RecordingHandler out = new RecordingHandler();
        // The timeout is the behaviour under test; the script forks in milliseconds, long before it fires.
        ProcessExecution execution = ProcessRunner.start(spec("sh", script("tree.sh", dir).toString(), pidFile.toString())
                .timeout(Duration.ofSeconds(3)).build(), out);

        ProcessResult result = await(execution);

        assertThat(out.texts()).contains("ready");
        List<Long> descendants = pids(pidFile);
        assertThat(descendants).hasSize(4).allMatch(TestProcesses::isGone);
        assertThat(result.outcome()).isEqualTo(Outcome.TIMED_OUT);
        assertThat(liveProcessesWithEnvironment(testMarker)).isEmpty();
        assertThat(result.describe("Agent")).matches("Agent timed out after 3s; stopped \\d+ processes");
    }

    @Test
    void processesLeftRunningAfterANormalExitAreStoppedToo() throws Exception {
        Path pidFile = dir.resolve("pids");
        RecordingHandler out = new RecordingHandler();
        ProcessResult result = await(ProcessRunner.start(spec("sh", script("tree.sh", dir).toString(), pidFile.toString(), "exit").build(), out));

        assertThat(result.outcome()).isEqualTo(Outcome.EXITED);
        assertThat(result.exitCode()).hasValue(0);
        assertThat(result.stoppedProcesses()).isEqualTo(4);
        assertThat(pids(pidFile)).allMatch(TestProcesses::isGone);
        assertThat(liveProcessesWithEnvironment(testMarker)).isEmpty();
    }

    @Test
    void aDaemonThatClearedItsEnvironmentButStayedInTheSessionIsStoppedToo() throws Exception {
        // No marker and not a descendant: found by the session the child leads (sh is started through setsid).
        Path pidFile = dir.resolve("cleared");
        ProcessResult result = await(ProcessRunner.start(spec("sh", script("cleared.sh", dir).toString(), pidFile.toString()).build(),
                new RecordingHandler()));
        try {
            assertThat(result.outcome()).isEqualTo(Outcome.EXITED);
            assertThat(result.stoppedProcesses()).isEqualTo(1);
            assertThat(pids(pidFile)).hasSize(1).allMatch(TestProcesses::isGone);
        } finally {
            pids(pidFile).forEach(TestProcesses::kill);
        }
    }

    @Test
    void aProcessOutsideTheTreeHoldingThePipeDoesNotHangTheExecution() throws Exception {
        Path pidFile = dir.resolve("escaped");
        RecordingHandler out = new RecordingHandler();
        ProcessExecution execution = ProcessRunner.start(spec("sh", script("escape.sh", dir).toString(), pidFile.toString())
                .drainTimeout(Duration.ofMillis(300)).build(), out);
        try {
            ProcessResult result = await(execution);

            assertThat(result.outcome()).isEqualTo(Outcome.EXITED);
            assertThat(result.exitCode()).hasValue(0);
            assertThat(out.texts()).containsExactly("left a daemon holding stdout");
        } finally {
            pids(pidFile).forEach(TestProcesses::kill);
        }
    }

    @Test
    void aSinkThatFailsStopsTheProcessAndSaysWhy() throws Exception {
        List<String> seen = new ArrayList<>();
        ProcessExecution execution = ProcessRunner.start(spec("sh", script("forever.sh", dir).toString()).build(), (stream, text, ts) -> {
            seen.add(text);
            throw new IllegalStateException("Redis unreachable for 30s");
        });

        ProcessResult result = await(execution);

        assertThat(seen).containsExactly("started");
        assertThat(result.outcome()).isEqualTo(Outcome.ERROR);
        assertThat(result.describe("Agent")).matches("Agent failed: its output could not be delivered: Redis unreachable for 30s; stopped \\d+ process(es)?");
        assertThat(liveProcessesWithEnvironment(testMarker)).isEmpty();
    }

    @Test
    void cancelAfterTheEndChangesNothing() throws Exception {
        ProcessExecution execution = ProcessRunner.start(spec("true").build(), new RecordingHandler());
        ProcessResult result = await(execution);
        execution.cancel();

        assertThat(await(execution)).isSameAs(result);
        assertThat(result.isSuccess()).isTrue();
    }
}
