package io.repobox.runner.bench;

import static io.repobox.runner.testing.TestGit.git;

import io.repobox.output.redis.EmbeddedRedis;
import io.repobox.output.redis.OutputCursor;
import io.repobox.runner.config.RunnerConfig;
import io.repobox.runner.job.JobQueue;
import io.repobox.runner.sandbox.SandboxSettings;
import io.repobox.runner.service.Runner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The sandbox's cost per job (a benchmark, not a test; benchmarks/sandbox-overhead.sh): two warm
 * runners on one Redis, one with SANDBOX=none and one with SANDBOX=required (allowlist network, so
 * the egress proxy and its bridge are part of the cost), take turns running jobs with the fake agent
 * on a small local repository; the medians from the queue entry to the end marker are compared.
 */
public final class SandboxOverheadBenchmark {

    public static void main(String[] args) throws Exception {
        ScratchDirectory.run("repobox-sandbox-bench", dir -> measure(args, dir));
    }

    private static void measure(String[] args, Path dir) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        Path remote = dir.resolve("remote.git");
        git(dir, "init", "-q", "--bare", "-b", "main", remote.toString());
        Path seed = dir.resolve("seed");
        git(dir, "clone", "-q", remote.toString(), seed.toString());
        for (int i = 0; i < 20; i++) {
            Files.writeString(seed.resolve("file" + i + ".txt"), "line\n".repeat(50));
        }
        git(seed, "add", "-A");
        git(seed, "-c", "user.name=b", "-c", "user.email=b@b", "commit", "-q", "-m", "seed");
        git(seed, "push", "-q", "origin", "HEAD:main");

        try (EmbeddedRedis redis = EmbeddedRedis.startEphemeral(dir.resolve("redis"));
             var client = io.lettuce.core.RedisClient.create(redis.url()); var c = client.connect()) {
            Map<String, List<Long>> times = new HashMap<>();
            String describe = "";
            for (String mode : List.of("none", "required")) {
                times.put(mode, new ArrayList<>());
            }
            // One runner at a time serves the queue; they alternate every job so drift hits both alike.
            for (int i = 0; i < n + 3; i++) {
                for (String mode : List.of("none", "required")) {
                    Map<String, String> env = new HashMap<>(System.getenv());
                    env.putAll(Map.of("REDIS_URL", redis.url(), "AI_ENABLED", "false", "TEMP_DIR", dir.resolve("work-" + mode).toString(),
                            "ALLOW_LOCAL_REPOS", "true", "RUNNER_ID", "bench-" + mode, "LOG_LEVEL", "WARN", "SANDBOX", mode));
                    try (Runner runner = Runner.create(RunnerConfig.of(env), redis.url(), true, Duration.ofSeconds(10),
                            SandboxSettings.Mode.valueOf(mode.toUpperCase(Locale.ROOT)))) {
                        runner.service().start();
                        String id = UUID.randomUUID().toString();
                        c.sync().hset("job:" + id, Map.of("id", id, "user_id", "bench", "repo_url", remote.toString(), "prompt",
                                "change " + i, "environment", "default", "status", "pending"));
                        long start = System.nanoTime();
                        c.sync().xadd(JobQueue.STREAM, Map.of("job_id", id));
                        try (OutputCursor cursor = runner.output().follow(id, null)) {
                            while (!cursor.isEnded()) {
                                cursor.poll(Duration.ofSeconds(5));
                            }
                        }
                        long took = System.nanoTime() - start;
                        if (!"success".equals(c.sync().hget("job:" + id, "status"))) {
                            throw new IllegalStateException("job " + id + " ended " + c.sync().hgetall("job:" + id));
                        }
                        if (i >= 3) {
                            times.get(mode).add(took); // the first jobs warm the JVM and the file caches
                        }
                    }
                }
            }
            double none = median(times.get("none"));
            double sandboxed = median(times.get("required"));
            System.out.println("# sandbox overhead benchmark");
            System.out.printf(Locale.ROOT, "machine: %d cores, %s; java %s%n", Runtime.getRuntime().availableProcessors(),
                    System.getProperty("os.arch"), System.getProperty("java.version"));
            System.out.printf(Locale.ROOT, "job without sandbox (SANDBOX=none, fake agent, %d jobs): median %.1f ms%n", n, none);
            System.out.printf(Locale.ROOT, "job in the sandbox (SANDBOX=required, allowlist network): median %.1f ms%n", sandboxed);
            System.out.printf(Locale.ROOT, "ratio: %.2fx (target: at most 1.2x)%n", sandboxed / none);
        }
    }

    private static double median(List<Long> nanos) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2) / 1e6;
    }
}
