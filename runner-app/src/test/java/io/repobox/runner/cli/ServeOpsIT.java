package io.repobox.runner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.repobox.agent.process.ProcessExecution;
import io.repobox.agent.process.ProcessRunner;
import io.repobox.agent.process.ProcessSpec;
import io.repobox.agent.testing.RecordingHandler;
import io.repobox.output.redis.testing.TestRedis;
import io.repobox.runner.config.ChildEnvironment;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** serve, as an operator runs it (the jar), with HTTP_ADDRESS: ready once it takes jobs, its heartbeat in Redis, gone when stopped. */
class ServeOpsIT {

    @TempDir
    Path dir;

    @Test
    void serveAnswersReadyzAndMetricsAndBeats() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        try (TestRedis redis = TestRedis.startPersistent()) {
            Map<String, String> env = ChildEnvironment.inherited();
            env.putAll(Map.of("REDIS_URL", redis.url(), "AI_ENABLED", "false", "TEMP_DIR", dir.resolve("work").toString(),
                    "HTTP_ADDRESS", "127.0.0.1:" + port, "RUNNER_ID", "serve-ops-it"));
            RecordingHandler out = new RecordingHandler();
            ProcessExecution serve = ProcessRunner.start(ProcessSpec.builder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar", Path.of("target", "runner-app.jar").toAbsolutePath().toString(), "serve").environment(env)
                    .workingDirectory(dir).build(), out);
            try {
                out.awaitLine(l -> l.text().contains("serving jobs from"));
                HttpClient http = HttpClient.newHttpClient();
                URI base = URI.create("http://127.0.0.1:" + port);
                long deadline = System.nanoTime() + RecordingHandler.SAFETY_NET.toNanos();
                HttpResponse<String> ready = null;
                while (ready == null || ready.statusCode() != 200) {
                    assertThat(System.nanoTime()).as("/readyz: %s", ready == null ? "" : ready.body()).isLessThan(deadline);
                    LockSupport.parkNanos(50_000_000);
                    ready = http.send(HttpRequest.newBuilder(base.resolve("/readyz")).timeout(Duration.ofSeconds(10)).build(),
                            HttpResponse.BodyHandlers.ofString());
                }
                assertThat(http.send(HttpRequest.newBuilder(base.resolve("/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body())
                        .contains("repobox_runner_info{", "runner_id=\"serve-ops-it\"", "repobox_jobs_running 0.0");
                assertThat(redis.redis().hget("runner:serve-ops-it:heartbeat", "provider")).isEqualTo("fake");
            } finally {
                new ProcessBuilder("kill", "-TERM", Long.toString(serve.pid())).start().waitFor();
            }
            assertThat(serve.await(RecordingHandler.SAFETY_NET)).as("serve ended").isPresent();
            assertThat(redis.redis().exists("runner:serve-ops-it:heartbeat")).as("removed when serve stops").isZero();
        }
    }
}
