package io.repobox.runner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.repobox.output.redis.testing.TestRedis;
import io.repobox.runner.config.RunnerConfig;
import io.repobox.runner.service.Runner;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** runners and retry against a real Redis, with an in-process runner taking the jobs. */
class FleetCommandsIT {

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

    @BeforeEach
    void clean() {
        redis.redis().flushall();
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
                "TEMP_DIR", dir.resolve("work").toString(), "ALLOW_LOCAL_REPOS", "true", "AI_GRACE_PERIOD", "1s",
                "SHUTDOWN_GRACE", "1s", "RUNNER_ID", "fleet-it", "MAX_CONCURRENT_JOBS", "4"));
    }

    private Runner startRunner() throws InterruptedException {
        Runner runner = Runner.create(RunnerConfig.of(env()), redis.url(), false, Duration.ofSeconds(5));
        runner.service().start();
        return runner;
    }

    /** Waits for a key to exist (the first heartbeat is written as soon as the runner has joined the group). */
    private static void awaitKey(String key, boolean present) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while ((redis.redis().exists(key) == 1) != present) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(key + (present ? " never appeared" : " never went away"));
            }
            java.util.concurrent.locks.LockSupport.parkNanos(10_000_000); // re-check every 10 ms: no busy loop on Redis
        }
    }

    @Test
    void runnersListsLiveRunnersFromTheirHeartbeatsAndForgetsOneThatStops() throws Exception {
        assertThat(cli("runners").out()).isEqualTo("No runner is alive: no heartbeat key in Redis.\n");
        assertThat(cli("runners", "--json").out().trim()).isEqualTo("[ ]");

        Runner runner = startRunner();
        try {
            awaitKey("runner:fleet-it:heartbeat", true);
            assertThat(redis.redis().pttl("runner:fleet-it:heartbeat")).isBetween(1L, 15_000L);

            Result table = cli("runners");
            assertThat(table.code()).isZero();
            assertThat(table.out().lines().toList()).hasSize(2);
            assertThat(table.out()).startsWith("ID ").contains("LAST BEAT").containsPattern(
                    "fleet-it +" + InetAddress.getLocalHost().getHostName() + " +\\S+ +fake +0/4 +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ +\\S+ ago");

            JsonNode json = new ObjectMapper().readTree(cli("runners", "--json").out());
            assertThat(json).hasSize(1);
            JsonNode beat = json.get(0);
            assertThat(beat.get("id").asText()).isEqualTo("fleet-it");
            assertThat(beat.get("provider").asText()).isEqualTo("fake");
            assertThat(beat.get("jobs_running").asInt()).isZero();
            assertThat(beat.get("max_jobs").asInt()).isEqualTo(4);
            assertThat(beat.get("last_beat_at").asLong()).isGreaterThanOrEqualTo(beat.get("started_at").asLong());
            assertThat(beat.get("version").asText()).isNotBlank();
        } finally {
            runner.close();
        }
        assertThat(redis.redis().exists("runner:fleet-it:heartbeat")).as("a runner that stops removes its heartbeat").isZero();
        assertThat(cli("runners").out()).isEqualTo("No runner is alive: no heartbeat key in Redis.\n");
    }

    @Test
    void retryQueuesTheSameJobLinkedToTheFirst() throws Exception {
        Path remote = dir.resolve("remote.git");
        assertThat(new ProcessBuilder("git", "init", "-q", "--bare", remote.toString()).start().waitFor()).isZero();
        String first = cli("submit", "--repo", remote.toString(), "--environment", "default", "--user", "alice", "@fake exit-code=3").out().trim();

        Result early = cli("retry", first);
        assertThat(early).isEqualTo(new Result(ExitCodes.USAGE, "", "error: job " + first
                + " is pending; retry it once it has ended, or cancel it first\n"));

        Runner runner = startRunner();
        try {
            assertThat(cli("logs", "--follow", first).code()).isEqualTo(ExitCodes.AGENT_FAILED);

            Result retried = cli("retry", "--follow", first);
            String second = retried.out().lines().findFirst().orElseThrow();
            assertThat(second).matches("[0-9a-f-]{36}").isNotEqualTo(first);
            assertThat(retried.code()).as(retried.err()).isEqualTo(ExitCodes.AGENT_FAILED); // the same prompt fails the same way
            assertThat(retried.out()).contains("[fake] done");

            Map<String, String> a = redis.redis().hgetall("job:" + first);
            Map<String, String> b = redis.redis().hgetall("job:" + second);
            assertThat(b).containsEntry("retry_of", first).containsEntry("status", "failed");
            for (String field : new String[] {"repo_url", "repo_name", "environment", "prompt", "user_id", "provider_id"}) {
                assertThat(b.get(field)).as(field).isEqualTo(a.get(field));
            }
            assertThat(redis.redis().zrange("jobs:user:alice", 0, -1)).containsExactly(first, second);
        } finally {
            runner.close();
        }
        assertThat(cli("retry", "no-such-job").err()).isEqualTo("error: job no-such-job does not exist\n");
    }
}
