package io.repobox.runner.bench;

import io.repobox.output.redis.EmbeddedRedis;
import io.repobox.output.redis.OutputCursor;
import io.repobox.runner.config.RunnerConfig;
import io.repobox.runner.job.JobQueue;
import io.repobox.runner.service.Runner;
import static io.repobox.runner.testing.TestGit.git;

import java.nio.charset.StandardCharsets;
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
 * Runner overhead per job (a benchmark, not a test; benchmarks/runner-overhead.sh): a warm runner
 * runs N jobs with the fake agent on a small local repository, one after the other; the median time
 * from the queue entry to the end marker is printed beside the median of the bare git sequence
 * (clone, branch, commit, diff, push) measured in the same run.
 */
public final class RunnerOverheadBenchmark {

    public static void main(String[] args) throws Exception {
        ScratchDirectory.run("repobox-overhead", dir -> measure(args, dir));
    }

    private static void measure(String[] args, Path dir) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 40;
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

        try (EmbeddedRedis redis = EmbeddedRedis.startEphemeral(dir.resolve("redis"))) {
            Map<String, String> env = new HashMap<>(System.getenv());
            env.putAll(Map.of("REDIS_URL", redis.url(), "AI_ENABLED", "false", "TEMP_DIR", dir.resolve("work").toString(),
                    "ALLOW_LOCAL_REPOS", "true", "RUNNER_ID", "bench", "LOG_LEVEL", "WARN"));
            try (Runner runner = Runner.create(RunnerConfig.of(env), redis.url(), true, Duration.ofSeconds(10));
                 var client = io.lettuce.core.RedisClient.create(redis.url()); var c = client.connect()) {
                runner.service().start();
                List<Long> jobs = new ArrayList<>();
                for (int i = 0; i < n + 5; i++) {
                    String id = UUID.randomUUID().toString();
                    c.sync().hset("job:" + id, Map.of("id", id, "user_id", "bench", "repo_url", remote.toString(), "prompt", "change " + i,
                            "environment", "default", "status", "pending"));
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
                    if (i >= 5) {
                        jobs.add(took); // the first five warm the JVM and the file caches
                    }
                }
                List<Long> bare = new ArrayList<>();
                for (int i = 0; i < n + 5; i++) {
                    long start = System.nanoTime();
                    bareGitSequence(dir, remote, i);
                    long took = System.nanoTime() - start;
                    if (i >= 5) {
                        bare.add(took);
                    }
                }
                double job = median(jobs);
                double git = median(bare);
                System.out.println("# runner overhead benchmark");
                System.out.printf(Locale.ROOT, "machine: %d cores, %s; java %s; %s%n", Runtime.getRuntime().availableProcessors(),
                        System.getProperty("os.arch"), System.getProperty("java.version"), gitVersion());
                System.out.printf(Locale.ROOT, "job (queue entry -> end marker, fake agent, %d jobs): median %.1f ms%n", n, job);
                System.out.printf(Locale.ROOT, "bare git sequence (clone, branch, commit, diff, push): median %.1f ms%n", git);
                System.out.printf(Locale.ROOT, "ratio: %.2fx (target: at most 2x)%n", job / git);
            }
        }
    }

    private static void bareGitSequence(Path dir, Path remote, int i) throws Exception {
        Path work = dir.resolve("bare-" + i);
        // The clone the runner makes: shallow, through file:// even for a local repository.
        git(dir, "clone", "-q", "--no-tags", "--depth", "1", "--", remote.toUri().toString(), work.toString());
        git(work, "checkout", "-q", "-b", "bare/" + i);
        Files.writeString(work.resolve("NOTE.md"), "change " + i + "\n");
        git(work, "add", "-A");
        git(work, "-c", "user.name=b", "-c", "user.email=b@b", "commit", "-q", "-m", "change");
        git(work, "diff", "--numstat", "HEAD~1", "HEAD");
        git(work, "push", "-q", "--", remote.toString(), "HEAD:refs/heads/bare/" + i);
    }

    private static double median(List<Long> nanos) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2) / 1e6;
    }

    private static String gitVersion() throws Exception {
        Process p = new ProcessBuilder("git", "--version").start();
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    }

}
