package io.repobox.runner.service;

import static io.repobox.runner.testing.TestGit.git;

import io.lettuce.core.api.sync.RedisCommands;
import io.repobox.output.redis.OutputCursor;
import io.repobox.output.redis.OutputEntry;
import io.repobox.output.redis.RedisOutput;
import io.repobox.output.redis.testing.TestRedis;
import io.repobox.runner.config.RunnerConfig;
import io.repobox.runner.job.JobQueue;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Real Redis (or none, when each env() names its own), a bare git repository as the remote, runners built from environment maps. */
final class RunnerHarness {

    static final Duration SAFETY_NET = Duration.ofSeconds(90);

    /** Whether the runners of this run confine their jobs (the sandbox profile sets repobox.test.sandbox=required). */
    static final boolean SANDBOXED = !System.getProperty("repobox.test.sandbox", "none").equals("none");

    /** Waits for {@code condition}, checking every 20 ms, failing after {@link #SAFETY_NET}. */
    static void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + SAFETY_NET.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out waiting until " + what);
            }
            Thread.sleep(20);
        }
    }

    final TestRedis redis;
    final Path dir;
    final Path remote;
    final Path work;
    /** Released once per entry acknowledged by a runner this harness started; the job ids acknowledged. */
    private final Semaphore acks = new Semaphore(0);
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();

    RunnerHarness(TestRedis redis, Path dir) throws Exception {
        this.redis = redis;
        this.dir = dir;
        this.work = dir.resolve("work");
        this.remote = dir.resolve("remote.git");
        git(dir, "init", "-q", "--bare", "-b", "main", remote.toString());
        Path seed = dir.resolve("seed");
        git(dir, "clone", "-q", remote.toString(), seed.toString());
        Files.writeString(seed.resolve("README.md"), "# demo\nline two\n");
        git(seed, "add", "-A");
        git(seed, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "seed");
        git(seed, "push", "-q", "origin", "HEAD:main");
    }

    RedisCommands<String, String> sync() {
        return redis.redis();
    }

    /** A connection of the runner's own kind, for driving stores and queues directly. */
    io.repobox.redis.Redis.Connection connection() {
        return io.repobox.redis.Redis.create(redis.url(), Duration.ofSeconds(10)).connect();
    }

    Map<String, String> env(String... kv) {
        Map<String, String> env = new HashMap<>(Map.of("PATH", System.getenv("PATH"), "REDIS_URL", redis == null ? "" : redis.url(),
                "RUNNER_ID", "runner-" + UUID.randomUUID().toString().substring(0, 8), "TEMP_DIR", work.toString(),
                "AI_ENABLED", "false", "AI_GRACE_PERIOD", "1s", "ALLOW_LOCAL_REPOS", "true", "SHUTDOWN_GRACE", "1s",
                "RECLAIM_IDLE", "2s",
                // The sandbox profile runs these suites inside the sandbox; the hermetic build cannot (no bubblewrap).
                "SANDBOX", System.getProperty("repobox.test.sandbox", "none")));
        for (int i = 0; i < kv.length; i += 2) {
            env.put(kv[i], kv[i + 1]);
        }
        return env;
    }

    Runner start(Map<String, String> env) throws InterruptedException {
        Runner runner = Runner.create(RunnerConfig.of(env), env.get("REDIS_URL"), false, Duration.ofSeconds(5));
        runner.service().onAcknowledged(jobId -> {
            acknowledged.add(String.valueOf(jobId));
            acks.release();
        });
        runner.service().start();
        return runner;
    }

    /** Writes a job as the web app does (hash, then queue entry) and returns its id. */
    String submit(String prompt, String... kv) {
        String id = UUID.randomUUID().toString();
        Map<String, String> job = new LinkedHashMap<>(Map.of("id", id, "user_id", "user-1", "provider_id", "", "repo_url", remote.toString(),
                "repo_name", "demo", "branch", "", "prompt", prompt, "environment", "default", "status", "pending",
                "created_at", Long.toString(System.currentTimeMillis())));
        for (int i = 0; i < kv.length; i += 2) {
            job.put(kv[i], kv[i + 1]);
        }
        sync().hset("job:" + id, job);
        enqueue(Map.of("job_id", id, "user_id", job.get("user_id")));
        return id;
    }

    void enqueue(Map<String, String> fields) {
        sync().xadd(JobQueue.STREAM, fields);
    }

    /** Waits until the job's output has a line equal to {@code line}. */
    static void awaitLine(RedisOutput output, String jobId, String line) {
        try (OutputCursor cursor = output.follow(jobId, null)) {
            long deadline = System.nanoTime() + SAFETY_NET.toNanos();
            while (System.nanoTime() < deadline) {
                for (OutputEntry e : cursor.poll(Duration.ofSeconds(2))) {
                    if (e.line().equals(line)) {
                        return;
                    }
                }
            }
        }
        throw new AssertionError("no line '" + line + "' in the output of " + jobId);
    }

    /** Waits for the job's end marker (an event, not a poll of the hash) and returns the job record. */
    Map<String, String> awaitEnd(RedisOutput output, String jobId) {
        try (OutputCursor cursor = output.follow(jobId, null)) {
            long deadline = System.nanoTime() + SAFETY_NET.toNanos();
            while (!cursor.isEnded()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("job " + jobId + " did not end; record: " + sync().hgetall("job:" + jobId));
                }
                cursor.poll(Duration.ofSeconds(2));
            }
        }
        return sync().hgetall("job:" + jobId);
    }

    List<OutputEntry> output(RedisOutput output, String jobId) {
        List<OutputEntry> all = new ArrayList<>();
        try (OutputCursor cursor = output.follow(jobId, null)) {
            while (!cursor.isEnded()) {
                all.addAll(cursor.poll(Duration.ofSeconds(2)));
            }
        }
        return all;
    }

    List<String> lines(RedisOutput output, String jobId) {
        return output(output, jobId).stream().filter(e -> !e.isEnd()).map(OutputEntry::line).toList();
    }

    /** Files of {@code branch} in the remote, or empty if the branch does not exist. */
    List<String> remoteFiles(String branch) throws Exception {
        Process p = new ProcessBuilder("git", "--git-dir", remote.toString(), "ls-tree", "--name-only", branch).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return p.waitFor() == 0 ? out.lines().toList() : List.of();
    }

    long pendingEntries() {
        return sync().xpending(JobQueue.STREAM, JobQueue.GROUP).getCount();
    }

    /** Waits until no queue entry is pending, looking again each time a runner of this harness acknowledges one. */
    void awaitNoPendingEntries() {
        awaitAcknowledgement(() -> pendingEntries() == 0, () -> pendingEntries() + " queue entries are still pending");
    }

    /** Waits until a runner of this harness has acknowledged the queue entry of {@code jobId}. */
    void awaitAcknowledged(String jobId) {
        awaitAcknowledgement(() -> acknowledged.contains(jobId), () -> "the entry of job " + jobId + " was not acknowledged");
    }

    private void awaitAcknowledgement(BooleanSupplier done, Supplier<String> failure) {
        long deadline = System.nanoTime() + SAFETY_NET.toNanos();
        try {
            while (!done.getAsBoolean()) {
                if (!acks.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    throw new AssertionError(failure.get());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
