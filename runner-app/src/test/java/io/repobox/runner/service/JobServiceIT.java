package io.repobox.runner.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.Consumer;
import io.lettuce.core.XReadArgs;
import io.repobox.output.redis.OutputEntry;
import io.repobox.runner.job.JobIds;
import io.repobox.runner.job.JobQueue;
import io.repobox.runner.secrets.TokenCipher;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The job lifecycle against real Redis, real git (a bare repository as the remote) and the fake agent. */
class JobServiceIT extends RunnerTestBase {

    private Runner start(String... kv) throws InterruptedException {
        runner = h.start(h.env(kv));
        return runner;
    }

    @Test
    void aJobRunsCommitsPushesAndReportsEverything() throws Exception {
        start();
        String id = h.submit("Add a dry-run note\nwith details");

        Map<String, String> job = h.awaitEnd(runner.output(), id);

        assertThat(job).containsEntry("status", "success").containsEntry("branch", JobIds.branch(id)).containsEntry("agent", "fake")
                .containsEntry("error_message", "").containsEntry("lines_removed", "0").containsKeys("started_at", "finished_at", "runner_id");
        assertThat(Long.parseLong(job.get("lines_added"))).isPositive();
        assertThat(h.remoteFiles(JobIds.branch(id))).containsExactlyInAnyOrder("README.md", "REPOBOX_DRY_RUN.md");
        List<OutputEntry> out = h.output(runner.output(), id);
        assertThat(out).last().matches(e -> e.isEnd() && e.status().equals("success"));
        assertThat(out).filteredOn(e -> e.source().equals("runner")).extracting(OutputEntry::line)
                .anyMatch(l -> l.startsWith("Cloning ")).contains("Pushed " + JobIds.branch(id));
        assertThat(out).filteredOn(e -> e.source().equals("agent")).extracting(OutputEntry::line).contains("[fake] done");
        h.awaitNoPendingEntries();
        assertThat(h.work.resolve(id)).doesNotExist();
    }

    @Test
    void anAgentThatChangesNothingSucceedsWithoutCommitOrPush() throws Exception {
        start();
        String id = h.submit("@fake write=false");

        Map<String, String> job = h.awaitEnd(runner.output(), id);

        assertThat(job).containsEntry("status", "success").containsEntry("lines_added", "0").containsEntry("lines_removed", "0")
                .containsEntry("branch", "");
        assertThat(h.remoteFiles(JobIds.branch(id))).isEmpty();
        assertThat(h.lines(runner.output(), id)).contains("The agent changed nothing: no commit, no push");
    }

    @Test
    void anAgentFailureIsRecordedWithItsCodeAndMessage() throws Exception {
        start();
        String id = h.submit("@fake exit-code=2");

        Map<String, String> job = h.awaitEnd(runner.output(), id);

        assertThat(job).containsEntry("status", "failed").containsEntry("failure_kind", "exit").containsEntry("exit_code", "2")
                .containsEntry("error_message", "Agent exited with code 2: [fake] this is stderr, as agents print progress there too");
        assertThat(h.output(runner.output(), id)).filteredOn(e -> e.source().equals("runner") && e.stream().equals("stderr"))
                .extracting(OutputEntry::line).contains(job.get("error_message"));
        assertThat(h.remoteFiles(JobIds.branch(id))).isEmpty();
    }

    @Test
    void theAgentTimeoutStopsItAndSaysSo() throws Exception {
        start("AI_TIMEOUT", "2");
        String id = h.submit("@fake sleep=1h spawn=true");

        Map<String, String> job = h.awaitEnd(runner.output(), id);

        assertThat(job).containsEntry("status", "failed").containsEntry("failure_kind", "timeout");
        assertThat(job.get("error_message")).matches("Agent timed out after 2s; stopped \\d+ processes");
        assertThat(h.work.resolve(id)).doesNotExist();
    }

    @Test
    void theJobTimeoutBoundsEverythingAndTheFinalStatusIsStillWritten() throws Exception {
        start("JOB_TIMEOUT", "3");
        String id = h.submit("@fake sleep=1h");

        Map<String, String> job = h.awaitEnd(runner.output(), id);

        assertThat(job).containsEntry("status", "failed").containsEntry("failure_kind", "timeout")
                .containsEntry("error_message", "Job timed out after 3s (JOB_TIMEOUT) while running the agent");
    }

    @Test
    void aPendingJobCancelledBeforeItStartsNeverStarts() throws Exception {
        String id = h.submit("@fake lines=1");
        assertThat(new io.repobox.runner.job.JobStore(h.connection()).requestCancel(id, System.currentTimeMillis())).isEqualTo("cancelled");
        start();

        h.awaitAcknowledged(id); // the runner has read the entry and acknowledged it
        assertThat(h.pendingEntries()).isZero();

        assertThat(redis.redis().hgetall("job:" + id)).containsEntry("status", "cancelled")
                .containsEntry("error_message", "Cancelled before it started").doesNotContainKey("started_at");
        assertThat(redis.redis().exists("job:" + id + ":output")).isZero();
    }

    @Test
    void aRunningJobIsCancelledWithinSeconds() throws Exception {
        start();
        String id = h.submit("@fake sleep=1h");
        RunnerHarness.awaitLine(runner.output(), id, "[fake] sleeping 3600s");

        assertThat(runner.service().store().requestCancel(id, System.currentTimeMillis())).isEqualTo("requested");
        Map<String, String> job = h.awaitEnd(runner.output(), id);

        assertThat(job).containsEntry("status", "cancelled").containsEntry("failure_kind", "cancelled")
                .containsEntry("error_message", "Cancelled while running the agent");
        assertThat(h.output(runner.output(), id)).last().matches(e -> e.status().equals("cancelled"));
    }

    @Test
    void aFailingPreRunHookFailsTheJob() throws Exception {
        Path envs = Files.writeString(dir.resolve("envs.json"), "{\"environments\":{\"php\":{\"hook\":{\"shell\":\"echo preparing; exit 2\"}}}}");
        start("ENVIRONMENTS_FILE", envs.toString());
        String id = h.submit("x", "environment", "php");

        Map<String, String> job = h.awaitEnd(runner.output(), id);

        assertThat(job).containsEntry("status", "failed").containsEntry("failure_kind", "exit")
                .containsEntry("error_message", "Pre-run hook for environment 'php' exited with code 2");
        List<OutputEntry> out = h.output(runner.output(), id);
        assertThat(out).filteredOn(e -> e.source().equals("hook")).extracting(OutputEntry::line).containsExactly("preparing");
        assertThat(out).filteredOn(e -> e.source().equals("runner")).extracting(OutputEntry::line).doesNotContain("preparing");
    }

    @Test
    void badQueueEntriesAndJobsAreAcknowledgedWithClearStatuses() throws Exception {
        start();
        h.enqueue(Map.of("user_id", "u"));                                   // no job_id
        h.enqueue(Map.of("job_id", "no-such-job"));                          // unknown job
        h.enqueue(Map.of("job_id", "../../etc"));                            // hostile id
        redis.redis().hset("job:bad id!", Map.of("id", "bad id!", "status", "pending"));
        h.enqueue(Map.of("job_id", "bad id!"));                              // malformed id with a hash under it
        String done = h.submit("x", "status", "success");                    // not pending
        String env = h.submit("x", "environment", "cobol");
        String ext = h.submit("x", "repo_url", "ext::sh -c touch% /tmp/pwned");
        String creds = h.submit("x", "provider_id", "gl", "repo_url", "https://gitlab.example/a.git");
        redis.redis().hset("git_provider:user-1:gl", Map.of("type", "gitlab", "url", "https://gitlab.example", "username", "",
                "token", TokenCipher.fromKey("k".repeat(32)).encrypt("glpat-abc", "123456789012".getBytes(StandardCharsets.UTF_8))));

        assertThat(h.awaitEnd(runner.output(), env).get("error_message"))
                .isEqualTo("Unknown environment 'cobol'; known environments: default, node, php, python, fullstack");
        assertThat(h.awaitEnd(runner.output(), ext).get("error_message"))
                .isEqualTo("The repository URL was refused: repository URL 'ext::sh -c touch% /tmp/pwned' uses a transport this runner "
                        + "does not allow; use an https:// or ssh URL");
        assertThat(h.awaitEnd(runner.output(), creds).get("error_message"))
                .isEqualTo("The git token cannot be decrypted: ENCRYPTION_KEY is not set; it is needed to decrypt git tokens");
        h.awaitNoPendingEntries();
        assertThat(redis.redis().hgetall("job:" + done)).containsEntry("status", "success").doesNotContainKey("started_at");
        assertThat(redis.redis().exists("job:no-such-job:output")).isZero();
        assertThat(redis.redis().hgetall("job:bad id!")).containsEntry("status", "failed").containsEntry("error_message",
                "The job id 'bad id!' is not a valid job id (letters, digits, '_' and '-', at most 128), so the job was not run");
    }

    @Test
    void aFileUrlIsRefusedUnlessLocalRepositoriesAreAllowed() throws Exception {
        start("ALLOW_LOCAL_REPOS", "false");
        String id = h.submit("x", "repo_url", "file://" + h.remote);

        assertThat(h.awaitEnd(runner.output(), id).get("error_message")).isEqualTo("The repository URL was refused: repository URL 'file://"
                + h.remote + "' is a local path; this runner accepts only https and ssh URLs (set ALLOW_LOCAL_REPOS=true to allow local repositories)");
    }

    @Test
    void aWrongEncryptionKeyIsAClearFailure() throws Exception {
        start("ENCRYPTION_KEY", "w".repeat(32));
        redis.redis().hset("git_provider:user-1:gl", Map.of("type", "gitlab", "token",
                TokenCipher.fromKey("k".repeat(32)).encrypt("glpat-abc", "123456789012".getBytes(StandardCharsets.UTF_8))));
        String id = h.submit("x", "provider_id", "gl");

        assertThat(h.awaitEnd(runner.output(), id)).containsEntry("status", "failed").containsEntry("error_message",
                "The git token cannot be used: the git token could not be decrypted: ENCRYPTION_KEY is not the key it was encrypted with");
    }

    @Test
    void theTokenIsNeverVisibleToTheAgentNorAnywhereInRedis() throws Exception {
        String token = "glpat-SECRET-0123456789abcdef";
        String key = "e".repeat(64);
        Path hunter = dir.resolve("token-hunter.sh");
        try (InputStream in = getClass().getResourceAsStream("token-hunter.sh")) {
            Files.write(hunter, in.readAllBytes());
        }
        Files.setPosixFilePermissions(hunter, PosixFilePermissions.fromString("rwx------"));
        start("AI_ENABLED", "true", "AI_PROVIDER", "command", "AI_CLI_PATH", hunter.toString(), "ENCRYPTION_KEY", key);
        redis.redis().hset("git_provider:user-1:gh", Map.of("type", "github", "username", "octo",
                "token", TokenCipher.fromKey(key).encrypt(token, "abcdefghijkl".getBytes(StandardCharsets.UTF_8))));
        String id = h.submit(new StringBuilder(token).reverse().toString(), "provider_id", "gh");

        Map<String, String> job = h.awaitEnd(runner.output(), id);

        assertThat(job).as(job.toString()).containsEntry("status", "success");
        assertThat(h.lines(runner.output(), id)).contains("hunt finished").noneMatch(l -> l.contains("TOKEN VISIBLE"));
        assertThat(h.remoteFiles(JobIds.branch(id))).contains("HUNTED.txt");
        assertNoSecretInRedis(token, Base64.getEncoder().encodeToString(("octo:" + token).getBytes(StandardCharsets.UTF_8)), key);
    }

    @Test
    void aJobLeftRunningByAStoppedRunnerEndsFailedWithItsName() throws Exception {
        String id = h.submit("x");
        redis.redis().hset("job:" + id, Map.of("status", "running", "runner_id", "runner-gone", "started_at", "1"));
        // The stopped runner had read the entry (it is in its pending list) and holds no lease any more.
        redis.redis().xgroupCreate(XReadArgs.StreamOffset.from(JobQueue.STREAM, "0"), JobQueue.GROUP);
        assertThat(redis.redis().xreadgroup(Consumer.from(JobQueue.GROUP, "runner-gone"),
                XReadArgs.StreamOffset.lastConsumed(JobQueue.STREAM))).hasSize(1);
        start(); // a live runner only gets it by reclaiming it once idle for RECLAIM_IDLE (2s)

        Map<String, String> job = h.awaitEnd(runner.output(), id);

        assertThat(job).containsEntry("status", "failed").containsEntry("error_message", "Runner runner-gone stopped while running this job");
        h.awaitNoPendingEntries();
    }

    /** Whether the group has been delivered the stream's last entry. */
    @Test
    void theLimitPerUserHoldsAcrossRunnersAndAHeldJobStartsPromptly() throws Exception {
        Runner a = start("MAX_JOBS_PER_USER", "1", "MAX_CONCURRENT_JOBS", "2");
        try (Runner b = h.start(h.env("MAX_JOBS_PER_USER", "1", "MAX_CONCURRENT_JOBS", "2"))) {
            List<String> ids = List.of(h.submit("@fake sleep=1s"), h.submit("@fake sleep=1s"), h.submit("@fake sleep=1s"));
            List<Map<String, String>> jobs = ids.stream().map(id -> h.awaitEnd(a.output(), id)).toList();

            assertThat(jobs).allMatch(j -> j.get("status").equals("success"));
            List<Long> starts = jobs.stream().map(j -> Long.parseLong(j.get("started_at"))).sorted().toList();
            List<Long> ends = jobs.stream().map(j -> Long.parseLong(j.get("finished_at"))).sorted().toList();
            for (int i = 1; i < 3; i++) {
                // A job is claimed only after the one before it has its final record: never two at once for the user.
                assertThat(starts.get(i)).as("one job of the user at a time").isGreaterThanOrEqualTo(ends.get(i - 1));
                assertThat(starts.get(i) - ends.get(i - 1)).as("a held job starts promptly once a slot frees").isLessThan(5_000);
            }
        }
    }

    @Test
    void aJobLongerThanTheReclaimThresholdIsNotTakenOverByAnotherLiveRunner() throws Exception {
        start(); // RECLAIM_IDLE is 2s in the harness
        try (Runner other = h.start(h.env())) {
            String id = h.submit("@fake sleep=6s");

            Map<String, String> job = h.awaitEnd(runner.output(), id);

            assertThat(job).containsEntry("status", "success");
            assertThat(h.lines(runner.output(), id)).filteredOn(l -> l.startsWith("[fake] dry run of job")).hasSize(1);
            h.awaitNoPendingEntries();
        }
    }

    @Test
    void atShutdownAHeldEntryWhoseJobEndedIsAcknowledgedNotPutBackInTheQueue() throws Exception {
        start("MAX_JOBS_PER_USER", "1");
        String first = h.submit("@fake sleep=1h");
        RunnerHarness.awaitLine(runner.output(), first, "[fake] sleeping 3600s");
        String second = h.submit("@fake"); // held: its user is at the limit
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (h.pendingEntries() < 2 && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(10_000_000); // re-check every 10 ms until the runner read it
        }
        assertThat(h.pendingEntries()).as("the second entry was delivered and is held").isEqualTo(2);
        assertThat(new io.repobox.runner.job.JobStore(h.connection()).requestCancel(second, System.currentTimeMillis()))
                .isEqualTo("cancelled");
        long entries = redis.redis().xlen(io.repobox.runner.job.JobQueue.STREAM);

        runner.close();
        runner = null;

        assertThat(redis.redis().xlen(io.repobox.runner.job.JobQueue.STREAM)).as("no entry put back for an ended job").isEqualTo(entries);
        h.awaitNoPendingEntries();
    }

    @Test
    void shuttingDownStopsARunningJobWithAClearStatus() throws Exception {
        start(); // SHUTDOWN_GRACE is 1s in the harness
        String id = h.submit("@fake sleep=1h");
        RunnerHarness.awaitLine(runner.output(), id, "[fake] sleeping 3600s");

        runner.close();
        runner = null;

        Map<String, String> job = redis.redis().hgetall("job:" + id);
        assertThat(job).containsEntry("status", "cancelled").containsEntry("failure_kind", "cancelled");
        assertThat(job.get("error_message")).matches("Runner runner-\\w+ was shut down while running the agent; the job was stopped");
        h.awaitNoPendingEntries();
    }

    @Test
    void aRedisRestartInTheMiddleOfAJobLosesNothing() throws Exception {
        start();
        String id = h.submit("@fake lines=5 sleep=3s");
        RunnerHarness.awaitLine(runner.output(), id, "[fake] sleeping 3s");

        redis.restart();
        Map<String, String> job = h.awaitEnd(runner.output(), id);

        assertThat(job).containsEntry("status", "success");
        assertThat(h.lines(runner.output(), id)).containsSubsequence("[fake] line 1 of 5", "[fake] line 5 of 5", "[fake] sleeping 3s", "[fake] done")
                .contains("Pushed " + JobIds.branch(id));
    }

    @Test
    void aRepositoryBiggerThanTheWorkspaceLimitFailsTheJobAtTheCloneWhateverTheSandbox() throws Exception {
        // A hostile repository fills the runner's disk through the clone, which runs outside any sandbox:
        // 12 MB of incompressible data against a limit of 4m.
        Path seed = h.dir.resolve("big");
        io.repobox.runner.testing.TestGit.git(h.dir, "clone", "-q", h.remote.toString(), seed.toString());
        byte[] noise = new byte[12 << 20];
        new java.util.Random(7).nextBytes(noise);
        Files.write(seed.resolve("big.bin"), noise);
        io.repobox.runner.testing.TestGit.git(seed, "add", "-A");
        io.repobox.runner.testing.TestGit.git(seed, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "big");
        io.repobox.runner.testing.TestGit.git(seed, "push", "-q", "origin", "HEAD:main");
        start("SANDBOX_MAX_WORKSPACE", "4m"); // and SANDBOX=none, as every runner of this class

        String id = h.submit("anything");
        Map<String, String> job = h.awaitEnd(runner.output(), id);

        assertThat(job).containsEntry("status", "failed");
        assertThat(job.get("error_message")).isEqualTo("The repository is too big: its clone passed SANDBOX_MAX_WORKSPACE (4m). "
                + "Raise SANDBOX_MAX_WORKSPACE, or make the repository smaller.");
        assertThat(h.lines(runner.output(), id)).noneMatch(l -> l.startsWith("Running agent"));
        assertThat(h.work.resolve(id)).doesNotExist();
    }

    @Test
    void aRunnerTakesJobsAgainAfterRedisLostItsData() throws Exception {
        start();
        String before = h.submit("before");
        assertThat(h.awaitEnd(runner.output(), before)).containsEntry("status", "success");

        redis.redis().flushall(); // as after a restart without persistence, or a failover to an empty replica
        String after = h.submit("after");

        assertThat(h.awaitEnd(runner.output(), after)).containsEntry("status", "success");
        h.awaitNoPendingEntries();
    }

    /** Scans every key of every type. */
    private static void assertNoSecretInRedis(String... secrets) {
        var r = redis.redis();
        for (String key : r.keys("*")) {
            String type = r.type(key);
            StringBuilder all = new StringBuilder(key);
            switch (type) {
                case "string" -> all.append(r.get(key));
                case "hash" -> all.append(r.hgetall(key));
                case "stream" -> r.xrange(key, io.lettuce.core.Range.create("-", "+")).forEach(m -> all.append(m.getBody()));
                case "zset" -> all.append(r.zrange(key, 0, -1));
                case "list" -> all.append(r.lrange(key, 0, -1));
                case "set" -> all.append(r.smembers(key));
                default -> { }
            }
            for (String s : secrets) {
                assertThat(all.toString()).as("key %s", key).doesNotContain(s);
            }
        }
    }
}
