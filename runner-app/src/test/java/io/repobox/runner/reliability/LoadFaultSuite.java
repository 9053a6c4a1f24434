package io.repobox.runner.reliability;

import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.repobox.agent.testing.TestProcesses;
import io.repobox.output.redis.EmbeddedRedis;
import io.repobox.runner.job.JobQueue;
import io.repobox.runner.job.JobStatus;
import io.repobox.runner.secrets.TokenCipher;
import java.io.IOException;
import static io.repobox.runner.testing.TestGit.git;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The load and fault suite: many jobs (fake agent, small local repositories, several users) through
 * several {@code serve} processes while runners are killed with SIGKILL, Redis restarts and a runner
 * is stopped with SIGTERM; hostile jobs and queue entries mixed in. Then it checks the invariants and
 * prints a summary. {@link #main} runs the full profile; {@code LoadFaultSuiteIT} a small one in CI.
 */
public final class LoadFaultSuite {

    /** How big a run is. */
    public record Profile(String name, int jobs, int runners, int maxConcurrent, int maxPerUser, int users, long bigOutputBytes) {
        public static final Profile FULL = new Profile("full", 300, 3, 4, 2, 8, 100_000_000L);
        public static final Profile SMALL = new Profile("small", 40, 2, 4, 2, 4, 10_000_000L);
    }

    /** What the run found. An empty {@code violations} list means every invariant held. */
    public record Report(Map<String, Long> statuses, int jobs, int duplicates, int incompleteOutputs, int survivors, int leftWorkspaces,
                         int pendingEntries, int stuckRunning, int maxRunningPerUser, int leakedSecrets, long wallMillis,
                         List<String> faults, List<String> violations) {
        public String table() {
            StringBuilder t = new StringBuilder();
            t.append("| figure | value |\n|---|---|\n");
            t.append("| jobs (incl. hostile) | ").append(jobs).append(" |\n");
            statuses.forEach((k, v) -> t.append("| status ").append(k).append(" | ").append(v).append(" |\n"));
            t.append("| agent runs more than once | ").append(duplicates).append(" |\n");
            t.append("| outputs incomplete, out of order or without end marker | ").append(incompleteOutputs).append(" |\n");
            t.append("| most jobs running at once for one user (limit) | ").append(maxRunningPerUser).append(" |\n");
            t.append("| jobs stuck in running | ").append(stuckRunning).append(" |\n");
            t.append("| queue entries still pending | ").append(pendingEntries).append(" |\n");
            t.append("| agent processes surviving | ").append(survivors).append(" |\n");
            t.append("| workspaces left in TEMP_DIR | ").append(leftWorkspaces).append(" |\n");
            t.append("| secrets found in Redis or logs | ").append(leakedSecrets).append(" |\n");
            t.append("| wall time | ").append(String.format("%.1f s", wallMillis / 1000.0)).append(" |\n");
            return t.toString();
        }
    }

    private static final String TOKEN = "glpat-SuiteToken-0123456789";
    private static final String API_KEY = "sk-ant-suite-key-abcdef0123456789";
    private static final String ENCRYPTION_KEY = "5".repeat(64);

    private final Profile profile;
    private final Path dir;
    private final String marker = "LOAD_SUITE=" + UUID.randomUUID();
    private final List<String> faults = new ArrayList<>();
    private final Map<Integer, Process> runners = new ConcurrentHashMap<>();
    private EmbeddedRedis redis;

    public LoadFaultSuite(Profile profile, Path dir) {
        this.profile = profile;
        this.dir = dir;
    }

    public static void main(String[] args) throws Exception {
        Profile profile = args.length > 0 && args[0].equals("small") ? Profile.SMALL : Profile.FULL;
        Report report = new LoadFaultSuite(profile, Files.createTempDirectory("repobox-load")).run();
        System.out.println("# load and fault suite, profile " + profile.name() + ", " + LocalDate.now());
        System.out.println("faults: " + String.join("; ", report.faults()));
        System.out.println(report.table());
        System.out.println(report.violations().isEmpty() ? "ALL INVARIANTS HELD" : "VIOLATIONS:\n- " + String.join("\n- ", report.violations()));
        System.exit(report.violations().isEmpty() ? 0 : 1);
    }

    public Report run() throws Exception {
        long start = System.currentTimeMillis();
        redis = EmbeddedRedis.start(dir.resolve("redis"), 0, true, List.of());
        RedisClient client = RedisClient.create(redis.url());
        try (StatefulRedisConnection<String, String> conn = client.connect();
             StatefulRedisConnection<byte[], byte[]> raw = client.connect(ByteArrayCodec.INSTANCE)) {
            RedisCommands<String, String> r = conn.sync();
            List<Path> repos = repositories(3);
            r.hset("git_provider:user-0:gl", Map.of("type", "gitlab", "url", "https://gitlab.example", "username", "",
                    "token", TokenCipher.fromKey(ENCRYPTION_KEY).encrypt(TOKEN, "abcdefghijkl".getBytes(StandardCharsets.UTF_8))));
            r.hset("git_provider:user-1:bad", Map.of("type", "gitlab", "token",
                    TokenCipher.fromKey("6".repeat(64)).encrypt(TOKEN, "abcdefghijkl".getBytes(StandardCharsets.UTF_8))));
            for (int i = 0; i < profile.runners(); i++) {
                startRunner(i, "runner-" + i);
            }

            Map<String, String> expected = new LinkedHashMap<>(); // job id -> "ok" | expected error message start
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < profile.jobs(); i++) {
                String user = "user-" + (i % profile.users());
                Path repo = repos.get(i % repos.size());
                String id = UUID.randomUUID().toString();
                String prompt = "Job " + i + "\n@fake lines=40 sleep=" + (200 + (i * 37) % 400) + "ms";
                Map<String, String> extra = new HashMap<>();
                switch (i % 25) {
                    case 3 -> prompt = "--force the issue\n@fake lines=5";
                    case 7 -> prompt = "@fake lines=3\n" + "x".repeat(1_000_000);
                    case 11 -> prompt = "@fake garbage=true lines=3";
                    case 13 -> {
                        user = "user-0"; // the owner of git provider "gl"
                        extra.put("provider_id", "gl");
                    }
                    case 17 -> prompt = "@fake unterminated-bytes=" + profile.bigOutputBytes() + " lines=2";
                    default -> { }
                }
                submit(r, id, user, repo.toString(), prompt, "default", extra);
                expected.put(id, "ok");
                ids.add(id);
                if (i % 25 == 19) {
                    hostile(r, raw, repos.get(0), expected, ids);
                }
            }

            Map<String, Integer> maxRunning = new ConcurrentHashMap<>();
            Thread sampler = new Thread(() -> sample(client, ids, maxRunning), "suite-sampler");
            sampler.setDaemon(true);
            sampler.start();
            injectFaults(r, ids);
            awaitAllTerminal(r, ids, Duration.ofMinutes(10));
            awaitQueueSettled(r, Duration.ofSeconds(30));
            sampler.interrupt();
            sampler.join();
            for (int i = 0; i < profile.runners(); i++) {
                stopRunner(i, "TERM");
            }
            return check(r, ids, expected, repos, maxRunning, System.currentTimeMillis() - start);
        } finally {
            runners.values().forEach(p -> p.destroyForcibly());
            client.shutdown();
            redis.close();
        }
    }

    // ---- setup

    private List<Path> repositories(int n) throws Exception {
        List<Path> repos = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Path remote = dir.resolve("remote-" + i + ".git");
            git(dir, "init", "-q", "--bare", "-b", "main", remote.toString());
            Path seed = dir.resolve("seed-" + i);
            git(dir, "clone", "-q", remote.toString(), seed.toString());
            Files.writeString(seed.resolve("README.md"), "repository " + i + "\n");
            git(seed, "add", "-A");
            git(seed, "-c", "user.name=s", "-c", "user.email=s@s", "commit", "-q", "-m", "seed");
            git(seed, "push", "-q", "origin", "HEAD:main");
            repos.add(remote);
        }
        return repos;
    }

    private void submit(RedisCommands<String, String> r, String id, String user, String repo, String prompt, String env, Map<String, String> extra) {
        Map<String, String> job = new LinkedHashMap<>(Map.of("id", id, "user_id", user, "provider_id", "", "repo_url", repo, "repo_name", "r",
                "branch", "", "prompt", prompt, "environment", env, "status", "pending", "created_at", Long.toString(System.currentTimeMillis())));
        job.putAll(extra);
        r.hset("job:" + id, job);
        r.xadd(JobQueue.STREAM, Map.of("job_id", id, "user_id", user));
    }

    /** Malformed entries and jobs that must each get their clear status without disturbing the rest. */
    private void hostile(RedisCommands<String, String> r, StatefulRedisConnection<byte[], byte[]> raw, Path repo,
                         Map<String, String> expected, List<String> ids) {
        r.xadd(JobQueue.STREAM, Map.of("user_id", "user-0"));
        r.xadd(JobQueue.STREAM, Map.of("job_id", "no-such-job-" + UUID.randomUUID()));
        r.xadd(JobQueue.STREAM, Map.of("job_id", "../../etc/passwd"));
        String done = UUID.randomUUID().toString();
        submit(r, done, "user-2", repo.toString(), "already done", "default", Map.of("status", "success"));
        expected.put(done, "untouched");
        String env = UUID.randomUUID().toString();
        submit(r, env, "user-2", repo.toString(), "x", "cobol", Map.of());
        expected.put(env, "Unknown environment 'cobol'");
        String ext = UUID.randomUUID().toString();
        submit(r, ext, "user-3", "ext::sh -c touch% /tmp/pwned", "x", "default", Map.of());
        expected.put(ext, "The repository URL was refused");
        String key = UUID.randomUUID().toString();
        submit(r, key, "user-1", repo.toString(), "x", "default", Map.of("provider_id", "bad"));
        expected.put(key, "The git token cannot be used");
        String bytes = UUID.randomUUID().toString();
        submit(r, bytes, "user-3", repo.toString(), "x", "default", Map.of());
        raw.sync().hset(("job:" + bytes).getBytes(StandardCharsets.UTF_8), "prompt".getBytes(StandardCharsets.UTF_8),
                new byte[] {'@', 'f', 'a', 'k', 'e', ' ', 'l', 'i', 'n', 'e', 's', '=', '2', '\n', (byte) 0xff, (byte) 0xfe, 0, 'z'});
        expected.put(bytes, "ok");
        ids.addAll(List.of(done, env, ext, key, bytes));
    }

    // ---- runners and faults

    private void startRunner(int slot, String runnerId) throws IOException {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-jar",
                jar().toString(), "serve");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("runner-" + slot + ".log").toFile()));
        Map<String, String> env = builder.environment();
        env.clear();
        env.put("PATH", System.getenv("PATH"));
        env.put("HOME", System.getProperty("user.home"));
        env.putAll(Map.of("REDIS_URL", redis.url(), "RUNNER_ID", runnerId, "TEMP_DIR", dir.resolve("work").toString(),
                "AI_ENABLED", "false", "ALLOW_LOCAL_REPOS", "true", "MAX_CONCURRENT_JOBS", Integer.toString(profile.maxConcurrent()),
                "MAX_JOBS_PER_USER", Integer.toString(profile.maxPerUser()), "ENCRYPTION_KEY", ENCRYPTION_KEY, "ANTHROPIC_API_KEY", API_KEY,
                "SHUTDOWN_GRACE", "5"));
        env.put("RECLAIM_IDLE", "3");
        env.put("AI_GRACE_PERIOD", "1");
        env.put(marker.split("=")[0], marker.split("=")[1]);
        runners.put(slot, builder.start());
    }

    private void stopRunner(int slot, String signal) throws Exception {
        Process p = runners.remove(slot);
        if (p == null) {
            return;
        }
        if (signal.equals("KILL")) {
            p.destroyForcibly();
        } else {
            new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor();
        }
        p.waitFor();
    }

    /** Faults at fixed points of progress (not of time), so runs are comparable. */
    private void injectFaults(RedisCommands<String, String> r, List<String> ids) throws Exception {
        int total = ids.size();
        awaitDone(r, ids, total / 5);
        stopRunner(0, "KILL");
        faults.add("kill -9 runner-0 at " + done(r, ids) + "/" + total + ", restarted with the same RUNNER_ID");
        startRunner(0, "runner-0");
        awaitDone(r, ids, total * 2 / 5);
        redis.restart();
        faults.add("Redis restarted at " + done(r, ids) + "/" + total);
        awaitDone(r, ids, total * 3 / 5);
        stopRunner(1, "TERM");
        faults.add("SIGTERM runner-1 at " + done(r, ids) + "/" + total + ", restarted");
        startRunner(1, "runner-1");
        awaitDone(r, ids, total * 4 / 5);
        stopRunner(0, "KILL");
        faults.add("kill -9 runner-0 at " + done(r, ids) + "/" + total + ", replaced by runner-0b");
        startRunner(0, "runner-0b");
    }

    private int done(RedisCommands<String, String> r, List<String> ids) {
        int n = 0;
        for (String id : ids) {
            if (JobStatus.isTerminal(r.hget("job:" + id, "status"))) {
                n++;
            }
        }
        return n;
    }

    private void awaitDone(RedisCommands<String, String> r, List<String> ids, int n) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (done(r, ids) < n) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + done(r, ids) + " of " + ids.size() + " jobs ended");
            }
            Thread.sleep(100); // progress polling of a long-running suite, not test synchronisation
        }
    }

    private void awaitAllTerminal(RedisCommands<String, String> r, List<String> ids, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (done(r, ids) < ids.size()) {
            if (System.nanoTime() > deadline) {
                break; // reported as stuck jobs
            }
            Thread.sleep(200);
        }
    }

    private List<String> logLines(String jobId) {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> logs = Files.list(dir)) {
            for (Path log : logs.filter(p -> p.getFileName().toString().matches("runner-\\d+\\.log")).sorted().toList()) {
                Files.readAllLines(log).stream().filter(l -> l.contains(jobId)).limit(20)
                        .forEach(l -> lines.add(log.getFileName() + ": " + l));
            }
        } catch (IOException e) {
            lines.add("(" + e.getMessage() + ")");
        }
        return lines;
    }

    /**
     * An entry is acknowledged after its job's final status, so a job can look ended while its
     * runner has not yet acknowledged it; when a fault hit in between, the entry waits for another
     * runner to reclaim it (RECLAIM_IDLE) and acknowledge it then. The invariant is that every entry
     * is acknowledged in the end, so the runners are stopped once that happened (or the bound passed:
     * the check reports what is left).
     */
    private void awaitQueueSettled(RedisCommands<String, String> r, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (r.xpending(JobQueue.STREAM, JobQueue.GROUP).getCount() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
    }

    /**
     * One consistent snapshot of every job's status, user and lease, read in a single script so that a
     * job that ends and another that starts while the snapshot is taken are never both counted.
     */
    private static final String RUNNING_USERS = "local out = {} "
            + "for _, id in ipairs(ARGV) do "
            + "  local v = redis.call('HMGET', 'job:' .. id, 'status', 'user_id') "
            + "  if v[1] == 'running' and redis.call('EXISTS', 'job:' .. id .. ':lease') == 1 then "
            + "    table.insert(out, v[2] or '?') "
            + "  end "
            + "end "
            + "return out";

    private void sample(RedisClient client, List<String> ids, Map<String, Integer> max) {
        String[] args = ids.toArray(String[]::new);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            while (!Thread.currentThread().isInterrupted()) {
                Map<String, Integer> now = new HashMap<>();
                try {
                    List<String> users = c.sync().eval(RUNNING_USERS, io.lettuce.core.ScriptOutputType.MULTI, new String[0], args);
                    users.forEach(u -> now.merge(u, 1, Integer::sum));
                    now.forEach((u, n) -> max.merge(u, n, Math::max));
                } catch (RuntimeException e) {
                    // Redis restarting: skip this sample
                }
                try {
                    Thread.sleep(20); // a sampling period, leaving the CPU to the runners
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    // ---- invariants

    private Report check(RedisCommands<String, String> r, List<String> ids, Map<String, String> expected, List<Path> repos,
                         Map<String, Integer> maxRunning, long wall) throws Exception {
        List<String> violations = new ArrayList<>();
        Map<String, Long> statuses = new TreeMap<>();
        int duplicates = 0;
        int incomplete = 0;
        int stuck = 0;
        for (String id : ids) {
            Map<String, String> job = r.hgetall("job:" + id);
            String status = job.getOrDefault("status", "?");
            statuses.merge(status, 1L, Long::sum);
            if (!JobStatus.isTerminal(status)) {
                stuck++;
                violations.add("job " + id + " is " + status);
                continue;
            }
            String want = expected.get(id);
            if (want.equals("untouched")) {
                if (job.containsKey("started_at")) {
                    violations.add("job " + id + " was not pending but ran");
                }
                continue;
            }
            if (!want.equals("ok") && !job.getOrDefault("error_message", "").startsWith(want)) {
                violations.add("job " + id + " should fail with '" + want + "' but is " + status + ": " + job.get("error_message"));
            }
            List<StreamMessage<String, String>> out = r.xrange("job:" + id + ":output", Range.create("-", "+"));
            if (out.isEmpty() || !"end".equals(out.get(out.size() - 1).getBody().get("type"))
                    || !status.equals(out.get(out.size() - 1).getBody().get("status"))) {
                incomplete++;
                violations.add("job " + id + " (" + status + ": " + job.get("error_message") + "): output does not end with an end marker; last "
                        + "entries: " + out.subList(Math.max(0, out.size() - 3), out.size()).stream().map(StreamMessage::getBody).toList());
                continue;
            }
            long runs = out.stream().filter(m -> m.getBody().getOrDefault("line", "").startsWith("[fake] dry run of job")).count();
            if (runs > 1) {
                duplicates++;
                violations.add("job " + id + ": the agent ran " + runs + " times");
            }
            if (status.equals("success")) {
                if (runs != 1) {
                    violations.add("job " + id + " succeeded but its agent ran " + runs + " times");
                }
                List<String> lines = out.stream().map(m -> m.getBody().getOrDefault("line", ""))
                        .filter(l -> l.matches("\\[fake\\] line \\d+ of \\d+")).toList();
                for (int i = 0; i < lines.size(); i++) {
                    if (!lines.get(i).startsWith("[fake] line " + (i + 1) + " of ")) {
                        incomplete++;
                        violations.add("job " + id + ": line " + (i + 1) + " is '" + lines.get(i) + "'");
                        break;
                    }
                }
                if (!job.getOrDefault("branch", "").isEmpty() && branchCommits(repos, job.get("branch")) != 1) {
                    duplicates++;
                    violations.add("job " + id + ": branch " + job.get("branch") + " does not hold exactly one commit");
                }
            }
        }
        int most = maxRunning.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        if (most > profile.maxPerUser()) {
            violations.add("a user had " + most + " jobs running at once (limit " + profile.maxPerUser() + ")");
        }
        long pending = r.xpending(JobQueue.STREAM, JobQueue.GROUP).getCount();
        if (pending > 0) {
            // Which ones, whose, how long idle, and their jobs' state: what a failure needs to be understood.
            List<String> details = new ArrayList<>();
            for (io.lettuce.core.models.stream.PendingMessage m : r.xpending(JobQueue.STREAM, JobQueue.GROUP,
                    io.lettuce.core.Range.create("-", "+"), io.lettuce.core.Limit.from(10))) {
                List<StreamMessage<String, String>> entry = r.xrange(JobQueue.STREAM, io.lettuce.core.Range.create(m.getId(), m.getId()));
                String jobId = entry.isEmpty() ? "?" : entry.get(0).getBody().getOrDefault("job_id", "?");
                details.add(m.getId() + " (job " + jobId + ", " + r.hmget("job:" + jobId, "status", "runner_id") + ", held by "
                        + m.getConsumer() + ", idle " + m.getMsSinceLastDelivery() + " ms, delivered " + m.getRedeliveryCount()
                        + "×; the runners' log lines about it: " + logLines(jobId) + ")");
            }
            violations.add(pending + " queue entries are still pending: " + String.join("; ", details));
        }
        int survivors = TestProcesses.liveProcessesWithEnvironment(marker).size();
        if (survivors > 0) {
            violations.add(survivors + " processes of the runners survive");
        }
        int workspaces;
        try (Stream<Path> left = Files.exists(dir.resolve("work")) ? Files.list(dir.resolve("work")) : Stream.empty()) {
            workspaces = (int) left.count();
        }
        if (workspaces > 0) {
            violations.add(workspaces + " workspaces are left in TEMP_DIR");
        }
        int leaks = leakedSecrets(r);
        if (leaks > 0) {
            violations.add(leaks + " secrets found in Redis or in the logs");
        }
        return new Report(statuses, ids.size(), duplicates, incomplete, survivors, workspaces, (int) pending, stuck, most, leaks, wall,
                List.copyOf(faults), violations);
    }

    private int branchCommits(List<Path> repos, String branch) throws Exception {
        for (Path repo : repos) {
            Process p = new ProcessBuilder("git", "--git-dir", repo.toString(), "rev-list", "--count", "main.." + branch)
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor() == 0) {
                return Integer.parseInt(out);
            }
        }
        return 0;
    }

    private int leakedSecrets(RedisCommands<String, String> r) throws IOException {
        List<String> secrets = List.of(TOKEN, API_KEY, ENCRYPTION_KEY,
                Base64.getEncoder().encodeToString(("oauth2:" + TOKEN).getBytes(StandardCharsets.UTF_8)));
        int leaks = 0;
        for (String key : r.keys("*")) {
            String type = r.type(key);
            String content = switch (type) {
                case "string" -> r.get(key);
                case "hash" -> r.hgetall(key).toString();
                case "stream" -> r.xrange(key, Range.create("-", "+")).toString();
                case "zset" -> r.zrange(key, 0, -1).toString();
                default -> "";
            };
            for (String s : secrets) {
                if ((key + content).contains(s)) {
                    leaks++;
                }
            }
        }
        try (Stream<Path> logs = Files.list(dir)) {
            for (Path log : logs.filter(p -> p.getFileName().toString().endsWith(".log")).toList()) {
                String text = Files.readString(log, StandardCharsets.ISO_8859_1);
                for (String s : secrets) {
                    if (text.contains(s)) {
                        leaks++;
                    }
                }
            }
        }
        return leaks;
    }

    private static Path jar() {
        Path jar = Path.of("runner-app", "target", "runner-app.jar");
        return Files.exists(jar) ? jar.toAbsolutePath() : Path.of("target", "runner-app.jar").toAbsolutePath();
    }

}
