package io.repobox.runner.cli;

import static io.repobox.agent.testing.RecordingHandler.SAFETY_NET;
import static org.assertj.core.api.Assertions.assertThat;

import io.repobox.agent.process.ProcessExecution;
import io.repobox.agent.process.ProcessResult;
import io.repobox.agent.process.ProcessRunner;
import io.repobox.agent.process.ProcessSpec;
import io.repobox.agent.testing.RecordingHandler;
import io.repobox.agent.testing.TestProcesses;
import io.repobox.runner.config.ChildEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run} stopped the ways a person stops it: Ctrl-C from a terminal (SIGINT to the whole
 * foreground process group, which the test reproduces by giving the JVM a group of its own and
 * signalling the group), and a kill of the JVM. Real child JVMs, real signals.
 */
class RunSignalsIT {

    @TempDir
    Path dir;

    private Path repo;
    private Path tmp;
    private Path work;
    private final String marker = UUID.randomUUID().toString();

    @BeforeEach
    void setUp() throws Exception {
        repo = Files.createDirectories(dir.resolve("repo"));
        tmp = Files.createDirectories(dir.resolve("tmp"));
        work = dir.resolve("work");
        io.repobox.runner.testing.TestGit.git(repo, "init", "-q", "-b", "main");
        io.repobox.runner.testing.TestGit.git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "--allow-empty", "-m", "seed");
    }

    private ProcessExecution run(RecordingHandler out, String prompt) {
        return run(out, prompt, Map.of());
    }

    private ProcessExecution run(RecordingHandler out, String prompt, Map<String, String> settings) {
        return run(out, "fake", prompt, settings);
    }

    private ProcessExecution run(RecordingHandler out, String agent, String prompt, Map<String, String> settings) {
        // env resets SIGINT, which a CI launcher may have set to ignored (inherited by every child).
        List<String> command = new ArrayList<>(List.of("env", "--default-signal=INT", Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + tmp, "-jar", Path.of("target", "runner-app.jar").toAbsolutePath().toString(),
                "run", "--agent", agent, "--repo", repo.toString(), prompt));
        Map<String, String> env = ChildEnvironment.inherited();
        env.put("RUNNER_JAR_IT", marker);
        env.put("AI_GRACE_PERIOD", "1s");
        env.put("TEMP_DIR", work.toString());
        env.remove("REDIS_URL");
        env.putAll(settings);
        return ProcessRunner.start(ProcessSpec.builder(command).workingDirectory(dir).environment(env).build(), out);
    }

    @Test
    void ctrlCCancelsTheJobLikeCancelPrintsEachLineOnceAndLeavesNothingBehind() throws Exception {
        RecordingHandler out = new RecordingHandler();
        ProcessExecution run = run(out, "@fake sleep=1h spawn=true");
        out.awaitText("[fake] sleeping 3600s");
        long jvm = run.pid();
        List<Long> agents = TestProcesses.liveProcessesWithEnvironment("RUNNER_JAR_IT=" + marker).stream().filter(p -> p != jvm).toList();
        assertThat(agents).isNotEmpty();
        assertThat(agents).as("the agent is outside the terminal's process group").allMatch(p -> processGroup(p) != processGroup(jvm));
        assertThat(redisServers()).as("the embedded Redis runs from the private directory").isNotEmpty()
                .allMatch(p -> processGroup(p) != processGroup(jvm));

        interrupt(jvm);
        ProcessResult result = run.await(SAFETY_NET).orElseThrow();

        assertThat(result.exitCode()).hasValue(ExitCodes.CANCELLED);
        assertThat(out.texts()).filteredOn(t -> t.equals("[fake] line 1 of 3")).as("printed once").hasSize(1);
        assertThat(out.texts()).anyMatch(t -> t.matches("\\[runner\\] Job .* cancelled: Cancelled while running the agent"))
                .noneMatch(t -> t.contains("Exception") || t.contains("exited with code 130"));
        assertThat(TestProcesses.liveProcessesWithEnvironment("RUNNER_JAR_IT=" + marker)).isEmpty();
        assertThat(redisServers()).isEmpty();
        assertThat(entries(tmp)).as("no embedded Redis directory is left").isEmpty();
        assertThat(entries(work)).as("no workspace is left").isEmpty();
    }

    @Test
    void aMistakeFoundAfterTheEmbeddedRedisStartedLeavesNoServerAndNoDirectory() throws Exception {
        // The embedded Redis starts while the command line is parsed; an unknown agent is found after that.
        RecordingHandler out = new RecordingHandler();
        ProcessResult result = run(out, "no-such-agent", "x", Map.of()).await(SAFETY_NET).orElseThrow();

        assertThat(result.exitCode()).hasValue(ExitCodes.USAGE);
        assertThat(out.texts()).anyMatch(t -> t.startsWith("error: ") && t.contains("no-such-agent"));
        assertThat(redisServers()).isEmpty();
        assertThat(entries(tmp)).as("no embedded Redis directory is left").isEmpty();
    }

    @Test
    void theEmbeddedRedisAndItsDirectoryEndWithAKilledJvm() throws Exception {
        RecordingHandler out = new RecordingHandler();
        ProcessExecution run = run(out, "@fake sleep=1h");
        out.awaitText("[fake] sleeping 3600s");
        List<ProcessHandle> servers = redisServers().stream().map(ProcessHandle::of).flatMap(java.util.Optional::stream).toList();
        assertThat(servers).isNotEmpty();

        new ProcessBuilder("kill", "-KILL", Long.toString(run.pid())).start().waitFor();
        assertThat(run.await(SAFETY_NET)).as("run ended").isPresent();

        // The wrapper removes the directory after the server stopped, then exits itself.
        java.util.concurrent.CompletableFuture.allOf(servers.stream().map(ProcessHandle::onExit)
                .toArray(java.util.concurrent.CompletableFuture[]::new)).get(SAFETY_NET.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        assertThat(redisServers()).isEmpty();
        awaitNoEntries(tmp, "no embedded Redis directory is left"); // the wrapper's step after the server (the last process seen) ended
        // The job's workspace and (in the sandbox, with cgroups) its cgroups, which the killed JVM could not take down.
        awaitNoEntries(work, "no job workspace is left");
        String id = out.texts().stream().filter(t -> t.matches("\\[runner\\] Job .* submitted")).findFirst().orElseThrow()
                .replaceAll("\\[runner\\] Job (\\S+) submitted", "$1");
        io.repobox.runner.sandbox.Cgroups.detect().ifPresent(c -> {
            String group = io.repobox.runner.sandbox.JobSandbox.groupName(id);
            long deadline = System.nanoTime() + SAFETY_NET.toNanos();
            while (c.exists(group) && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(20_000_000); // the wrapper tries until the group is empty
            }
            assertThat(c.exists(group)).as("the job's cgroup").isFalse();
        });
        TestProcesses.liveProcessesWithEnvironment("RUNNER_JAR_IT=" + marker).forEach(p -> ProcessHandle.of(p).ifPresent(ProcessHandle::destroyForcibly));
    }

    @Test
    void theAgentEndsWithAKilledJvmAlsoWithoutTheSandbox() throws Exception {
        // Without bubblewrap (whose --die-with-parent covers the sandboxed case) nothing in the kernel
        // ties the agent's session to the JVM: the runner's watch over each child's session must.
        RecordingHandler out = new RecordingHandler();
        ProcessExecution run = run(out, "@fake sleep=1h spawn=true", Map.of("SANDBOX", "none"));
        out.awaitText("[fake] sleeping 3600s");
        long jvm = run.pid();
        List<ProcessHandle> agents = TestProcesses.liveProcessesWithEnvironment("RUNNER_JAR_IT=" + marker).stream()
                .filter(p -> p != jvm).map(ProcessHandle::of).flatMap(java.util.Optional::stream).toList();
        assertThat(agents).as("the agent and the process it spawned").hasSizeGreaterThanOrEqualTo(2);

        new ProcessBuilder("kill", "-KILL", Long.toString(jvm)).start().waitFor();
        assertThat(run.await(SAFETY_NET)).as("run ended").isPresent();

        try {
            java.util.concurrent.CompletableFuture.allOf(agents.stream().map(ProcessHandle::onExit)
                    .toArray(java.util.concurrent.CompletableFuture[]::new)).get(SAFETY_NET.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            assertThat(TestProcesses.liveProcessesWithEnvironment("RUNNER_JAR_IT=" + marker)).as("nothing of the job is left").isEmpty();
        } finally {
            agents.forEach(ProcessHandle::destroyForcibly); // a failed run of this test leaves nothing either
        }
    }

    @Test
    void aSecondCtrlCExitsAtOnceWhileTheFirstWaitsForAStubbornAgent() throws Exception {
        // An agent that ignores SIGTERM, and a grace period of an hour: the first Ctrl-C's cancel waits
        // for the agent to go; the second must not wait, and still leave nothing behind.
        Path agent = Files.writeString(dir.resolve("stubborn-agent.sh"), """
                #!/bin/sh
                if [ "$1" = --version ]; then echo '2.1.331 (Claude Code)'; exit 0; fi
                trap '' TERM
                cat > /dev/null
                echo 'stubborn agent started'
                while :; do sleep 1; done
                """);
        Files.setPosixFilePermissions(agent, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        RecordingHandler out = new RecordingHandler();
        ProcessExecution run = run(out, "claude", "change nothing", Map.of("AI_CLI_PATH", agent.toString(), "AI_OUTPUT_FORMAT", "text",
                "ANTHROPIC_API_KEY", "sk-ant-test-key", "AI_GRACE_PERIOD", "1h", "SANDBOX", "none"));
        out.awaitText("stubborn agent started");
        long jvm = run.pid();
        List<ProcessHandle> servers = redisServers().stream().map(ProcessHandle::of).flatMap(java.util.Optional::stream).toList();

        interrupt(jvm);
        out.awaitLine(l -> l.text().contains("Ctrl-C again to exit at once"));
        assertThat(run.isDone()).as("the first Ctrl-C waits for the agent, which ignores SIGTERM").isFalse();
        interrupt(jvm);
        ProcessResult result = run.await(SAFETY_NET).orElseThrow();

        assertThat(result.exitCode()).hasValue(ExitCodes.CANCELLED);
        assertThat(out.texts()).contains("[runner] Exiting at once");
        java.util.concurrent.CompletableFuture.allOf(servers.stream().map(ProcessHandle::onExit)
                .toArray(java.util.concurrent.CompletableFuture[]::new)).get(SAFETY_NET.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        assertThat(TestProcesses.liveProcessesWithEnvironment("RUNNER_JAR_IT=" + marker)).as("no agent is left").isEmpty();
        assertThat(entries(work)).as("no workspace is left").isEmpty();
        assertThat(entries(tmp)).as("no embedded Redis directory is left").isEmpty();
    }

    /** Ctrl-C as a terminal sends it (SIGINT to the process group); SIGTERM where SIGINT cannot be delivered. */
    static void interrupt(long pid) throws Exception {
        boolean intIgnored = signalIgnored(pid, 2);
        assertThat(processGroup(pid)).as("the JVM leads its own process group, so signalling the group reaches nothing else").isEqualTo(pid);
        List<String> kill = intIgnored ? List.of("kill", "-TERM", Long.toString(pid)) : List.of("kill", "-INT", "--", "-" + processGroup(pid));
        assertThat(new ProcessBuilder(kill).start().waitFor()).isZero();
    }

    private List<Long> redisServers() {
        return ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains(tmp.toString() + "/repobox-run-redis"))
                .map(ProcessHandle::pid).toList();
    }

    private static void awaitNoEntries(Path dir, String what) throws Exception {
        long deadline = System.nanoTime() + SAFETY_NET.toNanos();
        while (!entries(dir).isEmpty() && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(10_000_000); // re-check every 10 ms
        }
        assertThat(entries(dir)).as(what).isEmpty();
    }

    private static List<Path> entries(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }

    static long processGroup(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[2]);
        } catch (Exception e) {
            return -1;
        }
    }

    private static boolean signalIgnored(long pid, int signal) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("SigIgn:")) {
                long mask = Long.parseUnsignedLong(line.substring(7).trim(), 16);
                return (mask & (1L << (signal - 1))) != 0;
            }
        }
        return false;
    }
}
