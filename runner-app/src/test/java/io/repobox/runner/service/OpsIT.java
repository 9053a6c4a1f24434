package io.repobox.runner.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** HTTP_ADDRESS: /metrics after real jobs (real Redis, real git, fake agents), /readyz following Redis, /healthz. */
class OpsIT extends RunnerTestBase {

    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Runner start(String... kv) throws InterruptedException {
        Runner r = h.start(h.env(kv));
        r.startOperations();
        return r;
    }

    private HttpResponse<String> get(String path) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + runner.httpAddress().orElseThrow().getPort() + path);
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Asks {@code path} until its answer passes {@code condition}; fails after a deadline with the last answer. */
    private HttpResponse<String> await(String path, Predicate<HttpResponse<String>> condition) throws Exception {
        long deadline = System.nanoTime() + RunnerHarness.SAFETY_NET.toNanos();
        HttpResponse<String> last = get(path);
        while (!condition.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(path + " never answered as expected; last: " + last.statusCode() + " " + last.body());
            }
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000); // poll, not hammer, the server
            last = get(path);
        }
        return last;
    }

    @Test
    void metricsCountRealJobs() throws Exception {
        runner = start("HTTP_ADDRESS", "127.0.0.1:0");
        String ok1 = h.submit("first");
        String ok2 = h.submit("second\n@fake spawn=true"); // leaves a process behind, which the runner stops
        String failed = h.submit("@fake exit-code=3");
        for (String id : List.of(ok1, ok2, failed)) {
            h.awaitEnd(runner.output(), id);
        }
        h.awaitNoPendingEntries(); // the runner's bookkeeping for the three is done

        HttpResponse<String> response = get("/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain; version=0.0.4"));
        Scrape m = new Scrape(response.body());

        assertThat(m.value("repobox_jobs_started_total", "provider", "fake")).isEqualTo(3);
        assertThat(m.value("repobox_jobs_ended_total", "provider", "fake", "status", "success", "failure_kind", "")).isEqualTo(2);
        assertThat(m.value("repobox_jobs_ended_total", "provider", "fake", "status", "failed", "failure_kind", "exit")).isEqualTo(1);
        assertThat(m.value("repobox_job_duration_seconds_count", "provider", "fake", "status", "success")).isEqualTo(2);
        assertThat(m.value("repobox_job_duration_seconds_bucket", "provider", "fake", "status", "success", "le", "+Inf")).isEqualTo(2);
        assertThat(m.value("repobox_job_step_duration_seconds_count", "step", "clone", "outcome", "ok")).isEqualTo(3);
        assertThat(m.value("repobox_job_step_duration_seconds_count", "step", "agent", "outcome", "ok")).isEqualTo(2);
        assertThat(m.value("repobox_job_step_duration_seconds_count", "step", "agent", "outcome", "failed")).isEqualTo(1);
        assertThat(m.value("repobox_jobs_running")).isZero();
        // Every entry of the three output streams went through the writer, and nothing else did.
        long entries = 0;
        for (String id : List.of(ok1, ok2, failed)) {
            entries += redis.redis().xlen("job:" + id + ":output");
        }
        assertThat(m.value("repobox_output_lines_total")).isEqualTo(entries);
        assertThat(m.value("repobox_output_bytes_total")).isGreaterThan(entries * 20);
        assertThat(m.value("repobox_output_redis_writes_seconds_count")).isPositive();
        assertThat(m.value("repobox_output_redis_writes_seconds_sum")).isPositive();
        assertThat(m.value("repobox_output_redis_retries_total")).isZero();
        assertThat(m.value("repobox_job_processes_stopped_total", "when", "exit")).isGreaterThanOrEqualTo(1);
        assertThat(m.value("repobox_runner_info", "provider", "fake")).isEqualTo(1);
        assertThat(m.series()).anyMatch(s -> s.startsWith("jvm_memory_used_bytes{")).anyMatch(s -> s.startsWith("jvm_threads_live_threads"))
                .anyMatch(s -> s.startsWith("process_uptime_seconds"));
        await("/metrics", r -> new Scrape(r.body()).value("repobox_queue_pending") == 0 && new Scrape(r.body()).value("repobox_queue_waiting") == 0);
    }

    @Test
    void tokensAndCostAreCountedByProviderAndModel() throws Exception {
        runner = start("HTTP_ADDRESS", "127.0.0.1:0", "AI_ENABLED", "true", "AI_PROVIDER", "usage");
        String a = h.submit("one");
        String b = h.submit("two");
        h.awaitEnd(runner.output(), a);
        h.awaitEnd(runner.output(), b);
        h.awaitNoPendingEntries();

        Scrape m = new Scrape(get("/metrics").body());

        assertThat(m.value("repobox_agent_tokens_total", "provider", "usage", "model", "test-model", "direction", "input")).isEqualTo(2400);
        assertThat(m.value("repobox_agent_tokens_total", "provider", "usage", "model", "test-model", "direction", "output")).isEqualTo(680);
        assertThat(m.value("repobox_agent_cost_usd_total", "provider", "usage", "model", "test-model")).isEqualTo(0.025);
    }

    @Test
    void readyzTurns503WhenRedisStopsAnd200WhenItIsBack() throws Exception {
        runner = start("HTTP_ADDRESS", "127.0.0.1:0");
        assertThat(await("/readyz", r -> r.statusCode() == 200).body()).isEqualTo("ok\n");
        assertThat(get("/healthz").statusCode()).isEqualTo(200);

        redis.kill();
        HttpResponse<String> down = await("/readyz", r -> r.statusCode() == 503);
        assertThat(down.body()).startsWith("redis: Redis at " + redis.url() + " is unreachable");
        assertThat(get("/healthz").statusCode()).as("alive while Redis is away: a restart would not help").isEqualTo(200);

        redis.restart();
        assertThat(await("/readyz", r -> r.statusCode() == 200).body()).isEqualTo("ok\n");
    }

    @Test
    void otherPathsAndMethodsAreRefusedAndHttpIsOffByDefault() throws Exception {
        runner = start("HTTP_ADDRESS", "127.0.0.1:0");
        assertThat(get("/").statusCode()).isEqualTo(404);
        URI uri = URI.create("http://127.0.0.1:" + runner.httpAddress().orElseThrow().getPort() + "/metrics");
        assertThat(http.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(405);
        runner.close();

        runner = start();
        assertThat(runner.httpAddress()).isEmpty();
    }

    /** A Prometheus text exposition, parsed into series and values. */
    record Scrape(String text) {

        private static final Pattern LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})? (\\S+)$");
        private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

        List<String> series() {
            return text.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).toList();
        }

        /** The value of the one series named {@code name} whose labels include {@code labels} (name, value, …). */
        double value(String name, String... labels) {
            Map<String, String> wanted = new HashMap<>();
            for (int i = 0; i < labels.length; i += 2) {
                wanted.put(labels[i], labels[i + 1]);
            }
            List<Double> found = series().stream().map(LINE::matcher).filter(Matcher::matches)
                    .filter(l -> l.group(1).equals(name)).filter(l -> {
                        Map<String, String> have = new HashMap<>();
                        Matcher lm = LABEL.matcher(l.group(3) == null ? "" : l.group(3));
                        while (lm.find()) {
                            have.put(lm.group(1), lm.group(2));
                        }
                        return have.entrySet().containsAll(wanted.entrySet());
                    }).map(l -> Double.parseDouble(l.group(4))).toList();
            assertThat(found).as("series %s %s in:%n%s", name, wanted, text).hasSize(1);
            return found.get(0);
        }
    }
}
