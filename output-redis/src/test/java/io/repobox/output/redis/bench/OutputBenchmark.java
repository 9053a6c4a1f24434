package io.repobox.output.redis.bench;

import io.repobox.agent.output.OutputLine;
import io.repobox.agent.process.EnvironmentPolicy;
import io.repobox.agent.process.LineHandler;
import io.repobox.agent.process.ProcessResult;
import io.repobox.agent.process.ProcessRunner;
import io.repobox.agent.process.ProcessSpec;
import io.repobox.output.redis.EmbeddedRedis;
import io.repobox.output.redis.OutputCursor;
import io.repobox.output.redis.OutputEntry;
import io.repobox.output.redis.RedisOutput;
import io.repobox.output.redis.RedisOutputOptions;
import io.repobox.output.redis.RedisOutputSink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;

/**
 * The output benchmark (a benchmark, not a test): run by {@code benchmarks/output-redis.sh}.
 * Prints, in one run against one local redis-server:
 * <ol>
 *   <li>throughput: a child process printing 1,000,000 lines of 100 bytes as fast as it can,
 *       through the process core and the sink into Redis; measured in a separate JVM whose peak RSS
 *       is reported;</li>
 *   <li>beside it, redis-benchmark's XADD of the same entry on one connection with {@code -P 64}
 *       (the ceiling) and {@code -P 1} (one round trip per line);</li>
 *   <li>latency: at 200 lines/s, from the child printing a line to an XREAD BLOCK reader on another
 *       connection receiving it.</li>
 * </ol>
 */
public final class OutputBenchmark {

    static final int LINES = 1_000_000;
    static final String PAYLOAD = "x".repeat(100);
    static final String RUNNER_JVM_FLAGS = "-Xms64m -Xmx128m -XX:+UseSerialGC";

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("throughput")) {
            throughputRun(args[1]);
            return;
        }
        if (args.length > 0 && args[0].equals("core")) {
            coreRun();
            return;
        }
        Path dir = Files.createTempDirectory("repobox-bench");
        try {
            measure(dir);
        } finally {
            io.repobox.agent.cli.Directories.deleteTree(dir); // a benchmark leaves nothing behind either
        }
    }

    private static void measure(Path dir) throws Exception {
        try (EmbeddedRedis redis = EmbeddedRedis.start(dir, 0, false, List.of())) {
            System.out.println("# output-redis benchmark");
            System.out.printf("machine: %d cores, %s %s; java %s; redis-server 6.2 (embedded-redis binary)%n",
                    Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"), System.getProperty("os.arch"),
                    System.getProperty("java.version"));
            System.out.println(inChildJvm("core"));
            System.out.println(inChildJvm("throughput", redis.url()));
            String ceiling = redisBenchmark(redis.port(), 64, LINES);
            String naive = redisBenchmark(redis.port(), 1, 100_000);
            System.out.println("redis-benchmark XADD -P 64 (ceiling): " + ceiling);
            System.out.println("redis-benchmark XADD -P 1  (naive):   " + naive);
            latency(redis.url());
        }
    }

    /** The throughput phase, in this JVM: prints "throughput: N lines/s ..." and the peak RSS. */
    static void throughputRun(String url) throws Exception {
        try (RedisOutput output = RedisOutput.connect(RedisOutputOptions.builder(url).maxLines(LINES + 1).build())) {
            String job = "bench-throughput";
            RedisOutputSink sink = output.openSink(job);
            long start = System.nanoTime();
            ProcessResult result = ProcessRunner.run(producer(), LineHandler.to(sink, OutputLine.Source.AGENT));
            sink.end("success");
            long elapsed = System.nanoTime() - start;
            sink.close();
            if (!result.isSuccess() || sink.storedLines() != LINES) {
                throw new IllegalStateException("throughput run incomplete: " + result.describe("producer") + ", stored " + sink.storedLines());
            }
            System.out.printf(Locale.ROOT, "throughput: %,.0f lines/s (%,d lines of 100 bytes in %.2f s, process core + sink + Redis, end marker flushed)%n",
                    LINES / (elapsed / 1e9), LINES, elapsed / 1e9);
            System.out.printf(Locale.ROOT, "runner JVM peak RSS: %d MB (flags: %s)%n", peakRssKb() / 1024, RUNNER_JVM_FLAGS);
        }
    }

    /** The process core alone, lines discarded: what the reading side costs without Redis. */
    static void coreRun() throws Exception {
        long start = System.nanoTime();
        ProcessResult result = ProcessRunner.run(producer(), LineHandler.to(line -> { }, OutputLine.Source.AGENT));
        long elapsed = System.nanoTime() - start;
        if (!result.isSuccess()) {
            throw new IllegalStateException(result.describe("producer"));
        }
        System.out.printf(Locale.ROOT, "process core alone: %,.0f lines/s (same producer, lines discarded)%n", LINES / (elapsed / 1e9));
    }

    private static ProcessSpec producer() {
        return ProcessSpec.builder("sh", "-c", "yes '" + PAYLOAD.substring(0, 99) + "' | head -n " + LINES)
                .workingDirectory(Path.of(".").toAbsolutePath()).environment(EnvironmentPolicy.secretsWithheld().inherited()).build();
    }

    private static String inChildJvm(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(RUNNER_JVM_FLAGS.split(" ")));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), OutputBenchmark.class.getName()));
        command.addAll(List.of(args));
        StringBuilder out = new StringBuilder();
        ProcessResult r = ProcessRunner.run(ProcessSpec.builder(command).environment(EnvironmentPolicy.secretsWithheld().inherited()).build(),
                (stream, text, ts) -> {
                    if (stream == OutputLine.Stream.STDOUT) {
                        synchronized (out) {
                            out.append(out.length() == 0 ? "" : "\n").append(text);
                        }
                    } else {
                        System.err.println(text);
                    }
                });
        if (!r.isSuccess()) {
            throw new IllegalStateException(r.describe("throughput run"));
        }
        return out.toString();
    }

    private static String redisBenchmark(int port, int pipeline, int requests) throws Exception {
        List<String> command = List.of("redis-benchmark", "-h", "127.0.0.1", "-p", Integer.toString(port), "-c", "1",
                "-n", Integer.toString(requests), "-P", Integer.toString(pipeline), "-q",
                "XADD", "bench:ceiling", "*", "timestamp", "1700000000000", "stream", "stdout", "source", "agent", "line", PAYLOAD);
        StringBuilder out = new StringBuilder();
        ProcessResult r = ProcessRunner.run(ProcessSpec.builder(command).environment(EnvironmentPolicy.secretsWithheld().inherited()).build(),
                (stream, text, ts) -> {
                    synchronized (out) {
                        out.append(text.trim()).append(' ');
                    }
                });
        if (r.outcome() == ProcessResult.Outcome.FAILED_TO_START) {
            return "not measured: redis-benchmark is not installed (apt-get install redis-tools)";
        }
        String text = out.toString();
        int rps = text.lastIndexOf("requests per second");
        if (!r.isSuccess() || rps < 0) {
            return "failed: " + text;
        }
        String[] words = text.substring(0, rps).trim().split("\\s+");
        return String.format(Locale.ROOT, "%,.0f XADD/s", Double.parseDouble(words[words.length - 1]));
    }

    /** 200 lines/s from a child JVM that prints its monotonic clock; a reader on another connection measures the delay. */
    private static void latency(String url) throws Exception {
        int count = 2000;
        try (RedisOutput output = RedisOutput.connect(RedisOutputOptions.builder(url).build())) {
            String job = "bench-latency";
            RedisOutputSink sink = output.openSink(job);
            List<Long> delays = Collections.synchronizedList(new ArrayList<>());
            CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
                try (OutputCursor cursor = output.follow(job, null)) {
                    while (!cursor.isEnded()) {
                        for (OutputEntry e : cursor.poll(Duration.ofSeconds(5))) {
                            long now = System.nanoTime();
                            if (!e.isEnd() && e.line().startsWith("t=")) {
                                delays.add(now - Long.parseLong(e.line().substring(2)));
                            }
                        }
                    }
                }
            });
            List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    System.getProperty("java.class.path"), PacedPrinter.class.getName(), Integer.toString(count), "200");
            ProcessResult r = ProcessRunner.run(ProcessSpec.builder(command).environment(EnvironmentPolicy.secretsWithheld().inherited()).build(),
                    LineHandler.to(sink, OutputLine.Source.AGENT));
            sink.end("success");
            reader.get();
            if (!r.isSuccess()) {
                throw new IllegalStateException(r.describe("latency producer"));
            }
            List<Long> sorted = new ArrayList<>(delays);
            Collections.sort(sorted);
            System.out.printf(Locale.ROOT, "latency at 200 lines/s (%d lines, print -> XREAD BLOCK reader): p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                    sorted.size(), pct(sorted, 0.50), pct(sorted, 0.99), sorted.get(sorted.size() - 1) / 1e6);
        }
    }

    private static double pct(List<Long> sorted, double p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1)) / 1e6;
    }

    private static long peakRssKb() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }

    /** The latency producer: prints "t=<System.nanoTime()>" N times at a fixed rate. */
    public static final class PacedPrinter {
        public static void main(String[] args) {
            int n = Integer.parseInt(args[0]);
            long interval = 1_000_000_000L / Integer.parseInt(args[1]);
            long next = System.nanoTime();
            for (int i = 0; i < n; i++) {
                next += interval;
                long wait;
                while ((wait = next - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                System.out.println("t=" + System.nanoTime());
                System.out.flush();
            }
        }
    }
}
