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
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar, run as a user runs it: {@code java -jar runner-app/target/runner-app.jar ...}. */
class RunnerJarIT {

    private static final Path JAR = Path.of("target", "runner-app.jar").toAbsolutePath();

    @TempDir
    Path repo;

    private final String marker = UUID.randomUUID().toString();

    @org.junit.jupiter.api.BeforeEach
    void gitRepository() throws Exception {
        for (String[] args : new String[][] {{"init", "-q", "-b", "main"}, {"-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q",
                "--allow-empty", "-m", "seed"}}) {
            java.util.List<String> command = new java.util.ArrayList<>(List.of("git"));
            command.addAll(List.of(args));
            assertThat(new ProcessBuilder(command).directory(repo.toFile()).start().waitFor()).isZero();
        }
    }

    private ProcessExecution start(RecordingHandler out, String... args) {
        return startWithStdin(out, "", args);
    }

    private ProcessExecution startWithEnvironment(RecordingHandler out, Map<String, String> settings, String... args) {
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString()));
        command.addAll(List.of(args));
        Map<String, String> env = ChildEnvironment.inherited();
        env.putAll(settings);
        return ProcessRunner.start(ProcessSpec.builder(command).workingDirectory(repo).environment(env).build(), out);
    }

    private ProcessExecution startWithStdin(RecordingHandler out, String stdin, String... args) {
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString()));
        command.addAll(List.of(args));
        Map<String, String> env = ChildEnvironment.inherited();
        env.put("RUNNER_JAR_IT", marker);
        env.put("AI_GRACE_PERIOD", "1s");
        env.put("TEMP_DIR", repo.resolveSibling(repo.getFileName() + "-work").toString());
        return ProcessRunner.start(ProcessSpec.builder(command).workingDirectory(repo).environment(env).stdin(stdin).build(), out);
    }

    @Test
    void theQuickStartCommandRunsTheFakeAgent() throws Exception {
        RecordingHandler out = new RecordingHandler();
        ProcessResult result = start(out, "run", "--agent", "fake", "--repo", repo.toString(), "Add a README")
                .await(SAFETY_NET).orElseThrow();

        assertThat(result.exitCode()).hasValue(0);
        assertThat(out.texts()).contains("[fake] done", "[runner] Dry run finished (fake agent, no AI)")
                .anyMatch(t -> t.matches("\\[runner\\] Job .* succeeded on branch repobox/.*"));
        assertThat(Files.exists(repo.resolve("REPOBOX_DRY_RUN.md"))).as("the working tree is not touched").isFalse();
    }

    @Test
    void thePromptCanComeFromStdin() throws Exception {
        String prompt = "-p looks like a flag\n" + "x".repeat(300_000) + "\n";
        ProcessResult result = startWithStdin(new RecordingHandler(), prompt, "run", "--agent", "fake", "--repo", repo.toString(),
                "--prompt-file", "-").await(SAFETY_NET).orElseThrow();

        assertThat(result.exitCode()).hasValue(0);
        Process show = new ProcessBuilder("sh", "-c", "git show $(git for-each-ref --format='%(refname)' refs/heads/repobox/):REPOBOX_DRY_RUN.md")
                .directory(repo.toFile()).start();
        assertThat(new String(show.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)).endsWith("## Prompt\n\n" + prompt);
    }

    @Test
    void sigtermCancelsTheRunLikeCtrlCStopsTheAgentsTreeAndExits130() throws Exception {
        RecordingHandler out = new RecordingHandler();
        ProcessExecution run = start(out, "run", "--agent", "fake", "--repo", repo.toString(), "@fake spawn=true sleep=1h");
        out.awaitText("[fake] sleeping 3600s");

        new ProcessBuilder("kill", "-TERM", Long.toString(run.pid())).start().waitFor();
        ProcessResult result = run.await(SAFETY_NET).orElseThrow();

        assertThat(result.exitCode()).hasValue(ExitCodes.CANCELLED);
        assertThat(out.texts()).anyMatch(t -> t.matches("\\[runner\\] Job .* cancelled: Cancelled while running the agent"));
        assertThat(TestProcesses.liveProcessesWithEnvironment("RUNNER_JAR_IT=" + marker)).isEmpty();
    }

    @Test
    void stdoutCarriesOnlyTheCommandsOwnOutput() throws Exception {
        RecordingHandler version = new RecordingHandler();
        assertThat(start(version, "--version").await(SAFETY_NET).orElseThrow().exitCode()).hasValue(0);
        assertThat(version.texts(io.repobox.agent.output.OutputLine.Stream.STDOUT)).hasSize(2).first().asString()
                .matches("repobox runner \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");

        RecordingHandler status = new RecordingHandler();
        ProcessResult failed = start(status, "status", "--redis-url", "redis://127.0.0.1:1", UUID.randomUUID().toString())
                .await(SAFETY_NET).orElseThrow();
        assertThat(failed.exitCode()).hasValue(ExitCodes.INTERNAL);
        assertThat(status.texts(io.repobox.agent.output.OutputLine.Stream.STDOUT)).as("no logging status dump on stdout").isEmpty();
        assertThat(status.texts(io.repobox.agent.output.OutputLine.Stream.STDERR)).containsExactly(
                "error: cannot connect to Redis at redis://127.0.0.1:1: Connection refused");
    }

    @Test
    void logLinesGoToStderrAsTextOrJsonWithNothingFromSlf4jItself() throws Exception {
        RecordingHandler text = new RecordingHandler();
        ProcessResult run = startWithEnvironment(text, Map.of("LOG_LEVEL", "INFO", "TEMP_DIR", repo.resolveSibling(repo.getFileName() + "-w1").toString()),
                "run", "--agent", "fake", "--repo", repo.toString(), "log").await(SAFETY_NET).orElseThrow();
        assertThat(run.exitCode()).as(String.join("\n", text.texts())).hasValue(0);
        List<String> err = text.texts(io.repobox.agent.output.OutputLine.Stream.STDERR);
        assertThat(err).anyMatch(l -> l.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) INFO  JobService - Runner .* is "
                + "taking jobs from jobs:stream .*"));
        assertThat(err).noneMatch(l -> l.contains("SLF4J"));
        assertThat(text.texts(io.repobox.agent.output.OutputLine.Stream.STDOUT)).noneMatch(l -> l.contains("JobService"));

        RecordingHandler json = new RecordingHandler();
        assertThat(startWithEnvironment(json, Map.of("LOG_LEVEL", "INFO", "LOG_FORMAT", "json", "TEMP_DIR",
                repo.resolveSibling(repo.getFileName() + "-w2").toString()), "run", "--agent", "fake", "--repo", repo.toString(), "log")
                .await(SAFETY_NET).orElseThrow().exitCode()).hasValue(0);
        assertThat(json.texts(io.repobox.agent.output.OutputLine.Stream.STDERR))
                .anyMatch(l -> l.startsWith("{") && l.contains("\"level\":\"INFO\"") && l.contains("is taking jobs"));
    }

    @Test
    void clientCommandsUseTheConnectionOpenedWhileTheirArgumentsAreParsedAndReportItsFailure() throws Exception {
        // With REDIS_URL in the environment, the jar connects on a second thread while picocli parses;
        // the command then uses that connection, or reports why it failed, exactly as it would itself.
        try (io.repobox.output.redis.testing.TestRedis redis = io.repobox.output.redis.testing.TestRedis.startPersistent()) {
            RecordingHandler submitted = new RecordingHandler();
            ProcessResult submit = startWithEnvironment(submitted, Map.of("REDIS_URL", redis.url()), "submit", "--repo",
                    "https://example.com/r.git", "do it").await(SAFETY_NET).orElseThrow();
            assertThat(submit.exitCode()).as(String.join("\n", submitted.texts())).hasValue(0);
            String id = submitted.texts(io.repobox.agent.output.OutputLine.Stream.STDOUT).get(0);

            RecordingHandler status = new RecordingHandler();
            assertThat(startWithEnvironment(status, Map.of("REDIS_URL", redis.url()), "status", id).await(SAFETY_NET).orElseThrow()
                    .exitCode()).hasValue(0);
            assertThat(status.texts(io.repobox.agent.output.OutputLine.Stream.STDOUT)).contains("status: pending", "id: " + id);
        }
        RecordingHandler refused = new RecordingHandler();
        ProcessResult failed = startWithEnvironment(refused, Map.of("REDIS_URL", "redis://127.0.0.1:1"), "status", UUID.randomUUID().toString())
                .await(SAFETY_NET).orElseThrow();
        assertThat(failed.exitCode()).hasValue(ExitCodes.INTERNAL);
        assertThat(refused.texts(io.repobox.agent.output.OutputLine.Stream.STDERR)).containsExactly(
                "error: cannot connect to Redis at redis://127.0.0.1:1: Connection refused");

        // A URL the client cannot use stays a usage error (2), not a failure to connect (3).
        RecordingHandler malformed = new RecordingHandler();
        ProcessResult usage = startWithEnvironment(malformed, Map.of("REDIS_URL", "redis://127.0.0.1:99999"), "status",
                UUID.randomUUID().toString()).await(SAFETY_NET).orElseThrow();
        assertThat(usage.exitCode()).as(String.join("\n", malformed.texts())).hasValue(ExitCodes.USAGE);
        assertThat(malformed.texts(io.repobox.agent.output.OutputLine.Stream.STDERR)).singleElement().asString()
                .contains("REDIS_URL redis://127.0.0.1:99999 is not a Redis URL");
    }
}
