package io.repobox.runner.bench;

import io.repobox.agent.output.OutputLine;
import io.repobox.agent.process.LineHandler;
import io.repobox.agent.process.ProcessResult;
import io.repobox.agent.process.ProcessRunner;
import io.repobox.agent.process.ProcessSpec;
import io.repobox.output.redis.EmbeddedRedis;
import io.repobox.output.redis.RedisOutput;
import io.repobox.output.redis.RedisOutputOptions;
import io.repobox.output.redis.RedisOutputSink;
import io.repobox.runner.config.ChildEnvironment;
import io.repobox.runner.ops.MicrometerMetrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The cost of metrics on the output path (a benchmark, not a test): run by
 * {@code benchmarks/metrics-overhead.sh [ROUNDS]}. In one JVM against one redis-server, rounds with
 * metrics off and on alternate; each round streams {@value #LINES} lines of 100 bytes from a child
 * through the process core and the sink into Redis. "On" is what HTTP_ADDRESS turns on: the
 * Micrometer registry reading the writer's counters, scraped every 100 ms (150 times more often than
 * a usual 15 s scrape interval, to make any cost visible). Prints the median lines/s of each.
 */
public final class MetricsOverheadBenchmark {

    static final int LINES = 300_000;

    public static void main(String[] args) throws Exception {
        ScratchDirectory.run("repobox-metrics-bench", dir -> measure(args, dir));
    }

    private static void measure(String[] args, Path dir) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        List<Double> off = new ArrayList<>();
        List<Double> on = new ArrayList<>();
        try (EmbeddedRedis redis = EmbeddedRedis.start(dir, 0, false, List.of())) {
            System.out.printf("# metrics overhead on the output path: %d rounds of %,d lines each way, alternating%n", rounds, LINES);
            System.out.printf("machine: %d cores, %s %s; java %s%n", Runtime.getRuntime().availableProcessors(),
                    System.getProperty("os.name"), System.getProperty("os.arch"), System.getProperty("java.version"));
            round(redis.url(), false, "warm-up"); // JIT and connections, not counted
            round(redis.url(), true, "warm-up");
            for (int i = 0; i < rounds; i++) {
                off.add(round(redis.url(), false, "off " + (i + 1)));
                on.add(round(redis.url(), true, "on  " + (i + 1)));
            }
        }
        double a = median(off);
        double b = median(on);
        System.out.printf(Locale.ROOT, "median, metrics off: %,.0f lines/s (min %,.0f, max %,.0f)%n", a, Collections.min(off), Collections.max(off));
        System.out.printf(Locale.ROOT, "median, metrics on:  %,.0f lines/s (min %,.0f, max %,.0f)%n", b, Collections.min(on), Collections.max(on));
        System.out.printf(Locale.ROOT, "difference: %+.1f%% (on against off)%n", (b - a) / a * 100);
    }

    private static double round(String url, boolean metricsOn, String name) throws Exception {
        try (RedisOutput output = RedisOutput.connect(RedisOutputOptions.builder(url).maxLines(LINES + 1).build())) {
            MicrometerMetrics metrics = null;
            ScheduledExecutorService scraper = null;
            if (metricsOn) {
                MicrometerMetrics m = new MicrometerMetrics("bench", "bench", "fake").output(output::stats);
                metrics = m;
                scraper = Executors.newSingleThreadScheduledExecutor();
                scraper.scheduleAtFixedRate(() -> m.scrape(), 0, 100, TimeUnit.MILLISECONDS);
            }
            String job = "bench-" + System.nanoTime();
            RedisOutputSink sink = output.openSink(job);
            long start = System.nanoTime();
            ProcessResult result = ProcessRunner.run(producer(), LineHandler.to(sink, OutputLine.Source.AGENT));
            sink.end("success");
            sink.close();
            long elapsed = System.nanoTime() - start;
            if (!result.isSuccess() || sink.storedLines() != LINES) {
                throw new IllegalStateException("round incomplete: " + result.describe("producer") + ", stored " + sink.storedLines());
            }
            if (scraper != null) {
                scraper.shutdownNow();
                metrics.close();
            }
            double rate = LINES / (elapsed / 1e9);
            System.out.printf(Locale.ROOT, "%-8s %,10.0f lines/s%n", name, rate);
            return rate;
        }
    }

    private static ProcessSpec producer() {
        return ProcessSpec.builder("sh", "-c", "yes " + "x".repeat(100) + " | head -n " + LINES)
                .environment(ChildEnvironment.inherited()).timeout(Duration.ofMinutes(5)).build();
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
