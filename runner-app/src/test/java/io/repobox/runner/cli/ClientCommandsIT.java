package io.repobox.runner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.repobox.agent.process.ProcessExecution;
import io.repobox.agent.process.ProcessResult;
import io.repobox.agent.process.ProcessRunner;
import io.repobox.agent.process.ProcessSpec;
import io.repobox.agent.testing.RecordingHandler;
import io.repobox.output.redis.testing.TestRedis;
import io.repobox.runner.config.ChildEnvironment;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** submit, status, logs, cancel and doctor against a real Redis, with a serve runner taking the jobs. */
class ClientCommandsIT {

    static TestRedis redis;

    @TempDir
    Path dir;

    @BeforeAll
    static void startRedis() {
        redis = TestRedis.startPersistent();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    record Result(int code, String out, String err) {
    }

    private Result cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = RunnerCommand.commandLine(env());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return new Result(cli.execute(args), out.toString(), err.toString());
    }

    private Map<String, String> env() {
        return new HashMap<>(Map.of("PATH", System.getenv("PATH"), "REDIS_URL", redis.url(), "AI_ENABLED", "false",
                "TEMP_DIR", dir.resolve("work").toString(), "ALLOW_LOCAL_REPOS", "true", "AI_GRACE_PERIOD", "1s"));
    }

    @Test
    void submitStatusLogsAndCancelWorkAsTheWebAppWould() throws Exception {
        Path remote = dir.resolve("remote.git");
        assertThat(new ProcessBuilder("git", "init", "-q", "--bare", remote.toString()).start().waitFor()).isZero();

        // No runner yet: a submitted job waits, and cancelling it means it never starts.
        Result pending = cli("submit", "--repo", remote.toString(), "never runs");
        String pendingId = pending.out().trim();
        assertThat(cli("cancel", pendingId).out()).isEqualTo("Job " + pendingId + " was pending and is cancelled; it will not start.\n");
        assertThat(cli("cancel", pendingId).out()).isEqualTo("Job " + pendingId + " was already cancelled; nothing to do.\n");
        assertThat(cli("status", pendingId).out()).contains("status: cancelled\n", "error_message: Cancelled before it started\n")
                .doesNotContain("never runs");

        // serve, as an operator runs it (the jar, a process of its own), takes the next job.
        RecordingHandler serveOutput = new RecordingHandler();
        Map<String, String> serveEnv = ChildEnvironment.inherited();
        serveEnv.putAll(env());
        ProcessExecution serve = ProcessRunner.start(ProcessSpec.builder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", Path.of("target", "runner-app.jar").toAbsolutePath().toString(), "serve", "--runner-id", "client-it")
                .environment(serveEnv).workingDirectory(dir).build(), serveOutput);
        serveOutput.awaitLine(l -> l.text().contains("serving jobs from"));
        try {
            Result followed = cli("submit", "--follow", "--repo", remote.toString(), "@fake exit-code=3");
            assertThat(followed.code()).as(followed.err()).isEqualTo(ExitCodes.AGENT_FAILED);
            String id = followed.out().lines().findFirst().orElseThrow();
            assertThat(followed.out()).contains("[fake] done");
            assertThat(followed.err()).contains("failed: Agent exited with code 3");

            Result logs = cli("logs", id);
            assertThat(logs.code()).isZero();
            assertThat(logs.out()).contains("[fake] line 1 of 3");
            assertThat(logs.err()).contains("[runner] Cloning " + remote);
            assertThat(cli("logs", "--follow", id).code()).isEqualTo(ExitCodes.AGENT_FAILED);
            assertThat(cli("cancel", id).out()).isEqualTo("Job " + id + " has already ended (failed); nothing to cancel.\n");
        } finally {
            new ProcessBuilder("kill", "-TERM", Long.toString(serve.pid())).start().waitFor();
        }
        ProcessResult stopped = serve.await(RecordingHandler.SAFETY_NET).orElseThrow();
        assertThat(stopped.exitCode()).hasValue(143); // ended by SIGTERM, after its shutdown hook ran
        assertThat(serveOutput.texts()).anyMatch(t -> t.contains("Runner client-it is shutting down: 0 job(s) running"));
    }

    @Test
    void jsonForScripts() {
        Path remote = dir.resolve("remote.git");
        Result submitted = cli("submit", "--json", "--repo", remote.toString(), "never runs");
        assertThat(submitted.out()).matches("\\{\"id\":\"[0-9a-f-]{36}\"\\}\n");
        String id = submitted.out().replaceAll(".*\"id\":\"([^\"]+)\".*\n", "$1");
        Result status = cli("status", "--json", id);
        assertThat(status.out()).startsWith("{").endsWith("}\n").contains("\"status\":\"pending\"", "\"id\":\"" + id + "\"")
                .doesNotContain("never runs");
        cli("cancel", id);
    }

    @Test
    void statusNeutralisesTerminalControlSequencesInTheRecord() {
        String id = java.util.UUID.randomUUID().toString();
        redis.redis().hset("job:" + id, Map.of("id", id, "status", "failed", "error_message", "boom\033]52;c;ZXZpbA==\007\033[2J done"));
        assertThat(cli("status", id).out()).contains("error_message: boom done\n").doesNotContain("\033");
    }

    @Test
    void aRepositoryUrlWithCredentialsIsAUsageErrorAndNeverReachesRedis() {
        Result r = cli("submit", "--repo", "https://oauth2:glpat-secret@gitlab.example/a.git", "x");
        assertThat(r).isEqualTo(new Result(ExitCodes.USAGE, "", "error: --repo: the repository URL contains credentials; remove them "
                + "and give the token through a git provider (--provider-id)\n"));
        assertThat(redis.redis().keys("job:*").stream().filter(k -> k.split(":").length == 2).map(k -> redis.redis().hget(k, "repo_url"))).noneMatch(u -> u != null && u.contains("glpat"));
    }

    @Test
    void unknownAndHostileJobIdsAreClearErrors() {
        assertThat(cli("status", "no-such-job")).isEqualTo(new Result(ExitCodes.USAGE, "", "error: job no-such-job does not exist\n"));
        assertThat(cli("logs", "../../etc/passwd").err()).isEqualTo("error: job id '../../etc/passwd' is not a valid job id\n");
        assertThat(cli("cancel", "nope").err()).isEqualTo("error: job nope does not exist\n");
    }

    @Test
    void doctorConnectsToAPasswordProtectedRedisAndNeverPrintsThePassword() {
        io.repobox.output.redis.EmbeddedRedis secured = io.repobox.output.redis.EmbeddedRedis.start(dir.resolve("secured"), 0, false,
                java.util.List.of("--requirepass", "Doctor-Pass-4242"));
        try {
            Map<String, String> env = env();
            env.put("REDIS_URL", secured.url());
            env.put("SANDBOX", "auto");
            StringWriter out = new StringWriter();
            CommandLine cli = RunnerCommand.commandLine(env);
            cli.setOut(new PrintWriter(out, true));
            cli.setErr(new PrintWriter(new StringWriter(), true));
            cli.execute("doctor");
            assertThat(out.toString()).as("without the password").contains("FIX   Redis: ").doesNotContain("ok    Redis at");

            env.put("REDIS_PASSWORD", "Doctor-Pass-4242");
            out = new StringWriter();
            cli = RunnerCommand.commandLine(env);
            cli.setOut(new PrintWriter(out, true));
            cli.setErr(new PrintWriter(new StringWriter(), true));
            cli.execute("doctor");
            assertThat(out.toString()).contains("ok    Redis at redis://:***@127.0.0.1:" + secured.port())
                    .doesNotContain("accepts connections without a password").doesNotContain("Doctor-Pass-4242");
        } finally {
            secured.close();
        }
    }

    @Test
    void doctorSaysWhatIsFineAndWhatToFix() {
        Result ok = cli("doctor", "--set", "SANDBOX=auto"); // a machine without bubblewrap gets a warning, not a FIX
        assertThat(ok.code()).as(ok.out()).isZero();
        assertThat(ok.out()).contains("ok    Redis at " + redis.url(), "ok    git version", "ok    agent 'fake'", "ok    TEMP_DIR",
                "warn  Redis at " + redis.url() + " accepts connections without a password");

        Result bad = cli("doctor", "--redis-url", "redis://127.0.0.1:1", "--set", "AI_ENABLED=true", "--cli-path", "no-such-claude",
                "--set", "SANDBOX_BWRAP_PATH=/no/such/bwrap");
        assertThat(bad.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.out()).contains("FIX   Redis: cannot connect to Redis at redis://127.0.0.1:1", "FIX   agent 'claude': 'no-such-claude' not found on PATH",
                "FIX   sandbox: SANDBOX_BWRAP_PATH /no/such/bwrap is not an executable file; install bubblewrap and socat");
    }
}
