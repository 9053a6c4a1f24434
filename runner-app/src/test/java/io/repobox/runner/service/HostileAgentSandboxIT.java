package io.repobox.runner.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.repobox.output.redis.RedisOutput;
import io.repobox.output.redis.RedisOutputOptions;
import io.repobox.output.redis.testing.TestRedis;
import io.repobox.runner.cli.RunnerCommand;
import io.repobox.runner.job.JobIds;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hostile agent against a real {@code serve} process with its defaults (SANDBOX=required), real
 * Redis and real git: one stub per attack (hostile-agent.sh). Each attack must fail, the job must
 * still end with a clear status, and the runner must go on serving. Run by the sandbox profile.
 */
class HostileAgentSandboxIT {

    static final String KEY = "f".repeat(64);

    @TempDir
    static Path dir;

    static TestRedis redis;
    static RedisOutput output;
    static RunnerHarness h;
    static Process serve;
    static Path runnerHome;
    static Path stub;

    @BeforeAll
    static void startRunner() throws Exception {
        redis = TestRedis.startPersistent();
        output = RedisOutput.connect(RedisOutputOptions.builder(redis.url()).build());
        h = new RunnerHarness(redis, dir);
        runnerHome = Files.createDirectories(dir.resolve("runner-home"));
        stub = dir.resolve("hostile-agent.sh");
        try (InputStream in = HostileAgentSandboxIT.class.getResourceAsStream("hostile-agent.sh")) {
            Files.write(stub, in.readAllBytes());
        }
        Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwx------"));
        Map<String, String> env = h.env("RUNNER_ID", "runner-hostile", "AI_ENABLED", "true", "AI_PROVIDER", "command",
                "AI_CLI_PATH", stub.toString(), "AI_TIMEOUT", "60", "ENCRYPTION_KEY", KEY, "HOME", runnerHome.toString(),
                "CLEANUP_AFTER_JOB", "false", "SANDBOX_MAX_PROCESSES", "64", "SANDBOX_MAX_WORKSPACE", "64m");
        env.remove("SANDBOX"); // serve's default: required
        // The test class path, so that the test-only "command" provider runs the stub as the agent CLI.
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), RunnerCommand.class.getName(), "serve").directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(dir.resolve("serve.log").toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        serve = builder.start();
    }

    @AfterAll
    static void stopRunner() throws Exception {
        if (serve != null) {
            serve.destroy();
            serve.waitFor(30, TimeUnit.SECONDS);
            serve.destroyForcibly();
        }
        output.close();
        redis.close();
    }

    private Map<String, String> run(String prompt) {
        String id = h.submit(prompt);
        return h.awaitEnd(output, id);
    }

    private static void cancel(String id) {
        try (var connection = h.connection()) {
            new io.repobox.runner.job.JobStore(connection).requestCancel(id, System.currentTimeMillis());
        }
    }

    private List<String> lines(Map<String, String> job) {
        return h.lines(output, job.get("id"));
    }

    private static void assertNothingEscaped(List<String> lines) {
        assertThat(lines).noneMatch(l -> l.startsWith("ESCAPED"));
    }

    @Test
    void theRunnersSecretsAreOutOfReach() {
        Map<String, String> job = run("environ " + serve.pid() + " " + KEY);
        assertThat(job).as(job.toString()).containsEntry("status", "success");
        assertThat(lines(job)).contains("blocked: runner environ", "blocked: environ scan");
        assertNothingEscaped(lines(job));
    }

    @Test
    void aConcurrentJobCannotBeSeenNorWritten() throws Exception {
        String other = h.submit("sleep");
        RunnerHarness.awaitLine(output, other, "sleeping");
        Map<String, String> job = run("neighbour " + other + " " + h.work);
        cancel(other);
        assertThat(job).as(job.toString()).containsEntry("status", "success");
        assertNothingEscaped(lines(job));
        assertThat(lines(job)).contains("blocked: neighbour environ", "blocked: neighbour workspace", "blocked: TEMP_DIR listing");
        assertThat(h.work.resolve(other).resolve("repo/backdoor.txt")).doesNotExist();
    }

    @Test
    void theJobsPrivateFilesAndTheRunnersConfigurationStayUntouched() throws Exception {
        Map<String, String> job = run("private");
        assertThat(job).as(job.toString()).containsEntry("status", "success");
        Path privateDir = h.work.resolve(job.get("id")).resolve("private");
        if (Files.isDirectory(privateDir)) {
            try (Stream<Path> files = Files.list(privateDir)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) { // the runner's git directory lives there too
                    assertThat(Files.readString(f)).doesNotContain("!evil");
                }
            }
        }
        Map<String, String> persist = run("persist " + runnerHome);
        assertThat(persist).containsEntry("status", "success");
        assertNothingEscaped(lines(persist));
        assertThat(lines(persist)).contains("blocked: runner home", "own home written");
        assertThat(runnerHome.resolve(".gitconfig")).doesNotExist();
        // The next job's git is the runner's own: it clones and pushes as before.
        assertThat(h.remoteFiles(JobIds.branch(persist.get("id")))).isEmpty(); // nothing changed in the tree: no push
    }

    @Test
    void redisAndTheMetadataAddressAreUnreachable() {
        Map<String, String> job = run("redis " + URI.create(redis.url()).getPort());
        assertThat(job).containsEntry("status", "success");
        assertNothingEscaped(lines(job));
        assertThat(lines(job)).contains("blocked: redis direct", "blocked: redis via proxy", "blocked: metadata");
    }

    @Test
    void aRefusedHostIsNamedInTheOutputWithTheSettingThatAllowsIt() {
        Map<String, String> job = run("refused");
        assertThat(job).containsEntry("status", "success");
        assertThat(lines(job)).contains("The sandbox refused a connection to evil.example:443: it is not an allowed host. To allow it, "
                + "add it to SANDBOX_ALLOWED_HOSTS or to the environment's allowed_hosts.");
    }

    @Test
    void theRunnerSurvivesAnAgentThatKillsEverythingItCan() {
        Map<String, String> job = run("kill " + serve.pid());
        assertThat(job.get("status")).isIn("success", "failed");
        assertNothingEscaped(lines(job));
        assertThat(serve.isAlive()).isTrue();
        assertThat(run("environ 1 x")).containsEntry("status", "success"); // and goes on serving
    }

    @Test
    void cancellingEndsEveryProcessOfTheJobHoweverItHid() throws Exception {
        String id = h.submit("escape");
        RunnerHarness.awaitLine(output, id, "escape started");
        cancel(id);
        Map<String, String> job = h.awaitEnd(output, id);
        assertThat(job).containsEntry("status", "cancelled");
        Path alive = h.work.resolve(id).resolve("repo/alive");
        long seen = Files.getLastModifiedTime(alive).toMillis();
        assertThat(run("environ 1 x")).containsEntry("status", "success"); // takes well over the loop's 0.2 s
        assertThat(Files.getLastModifiedTime(alive).toMillis()).as("the hidden loop is gone").isEqualTo(seen);
    }

    @Test
    void aForkBombEndsTheJobWithTheLimitNamed() {
        Map<String, String> job = run("forkbomb");
        assertThat(job).as(job.toString()).containsEntry("status", "failed");
        assertThat(job.get("error_message")).contains("SANDBOX_MAX_PROCESSES (64)");
        assertThat(serve.isAlive()).isTrue();
    }

    @Test
    void aHugeFileEndsTheJobWithTheLimitNamed() {
        Map<String, String> job = run("hugefile");
        assertThat(job).as(job.toString()).containsEntry("status", "failed");
        assertThat(job.get("error_message")).contains("SANDBOX_MAX_WORKSPACE (64m)");
    }

    @Test
    void theAgentsEnvironmentHoldsNoneOfTheRunnersSecrets() {
        Map<String, String> job = run("secrets " + KEY);
        assertThat(job).as(job.toString()).containsEntry("status", "success");
        assertNothingEscaped(lines(job));
        assertThat(lines(job)).contains("blocked: agent environment", "blocked: own environ", "blocked: pid 1 environ");
    }

    @Test
    void theHostsFilesProcessesAndKernelKnobsAreOutOfSight() {
        Map<String, String> job = run("mounts " + dir);
        assertThat(job).as(job.toString()).containsEntry("status", "success");
        assertNothingEscaped(lines(job));
        assertThat(lines(job)).contains("blocked: host files", "blocked: kernel knobs", "blocked: host processes");
    }

    @Test
    void theHostsNetworkNamespaceAndItsAbstractSocketsAreUnreachable() throws Exception {
        String name = "repobox-redteam-" + System.nanoTime();
        Process host = new ProcessBuilder("socat", "ABSTRACT-LISTEN:" + name + ",fork", "SYSTEM:echo HOST").redirectErrorStream(true).start();
        try {
            RunnerHarness.await("the host's abstract socket listens", () -> {
                try {
                    return Files.readString(Path.of("/proc/net/unix")).contains("@" + name);
                } catch (java.io.IOException e) {
                    return false;
                }
            });
            Map<String, String> job = run("netns " + name);
            assertThat(job).as(job.toString()).containsEntry("status", "success");
            assertNothingEscaped(lines(job));
            assertThat(lines(job)).contains("blocked: abstract socket", "blocked: host unix sockets listed", "blocked: host interfaces");
        } finally {
            host.destroy();
        }
    }

    @Test
    void noProcessOfAJobOutlivesItsNormalEnd() throws Exception {
        Map<String, String> job = run("linger");
        assertThat(job.get("status")).as(job.toString()).isIn("success", "failed");
        assertThat(lines(job)).contains("linger started");
        Path alive = h.work.resolve(job.get("id")).resolve("repo/.alive");
        long seen = Files.getLastModifiedTime(alive).toMillis();
        assertThat(run("environ 1 x")).containsEntry("status", "success"); // takes well over the loop's 0.2 s
        assertThat(Files.getLastModifiedTime(alive).toMillis()).as("the double-forked loop is gone").isEqualTo(seen);
        assertThat(h.work.resolve(job.get("id")).resolve("linger-alive")).doesNotExist();
    }

    @Test
    void linksAFifoAndOddNamesInTheTreeAreCommittedAsWhatTheyAreAndNothingOutsideIsRead() throws Exception {
        Path log = dir.resolve("serve.log");
        Map<String, String> job = run("traps " + log);
        assertThat(job.get("status")).as(job.toString()).isIn("success", "failed");
        assertNothingEscaped(lines(job));
        assertThat(lines(job)).contains("traps set");
        // Output is the agent's, as lines of its own source: a forged "source=runner" is plain text in it.
        String id = job.get("id");
        String branch = JobIds.branch(id);
        List<String> files = h.remoteFiles(branch);
        if (!files.isEmpty()) {
            Process p = new ProcessBuilder("git", "--git-dir", dir.resolve("remote.git").toString(), "ls-tree", branch, "passwd-link",
                    "root-link").redirectErrorStream(true).start();
            String tree = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            p.waitFor();
            assertThat(tree.lines()).as("links stay links, their targets unread").allMatch(l -> l.startsWith("120000 "));
        }
        assertThat(job.getOrDefault("error_message", "")).doesNotContain("\033").doesNotContain("\n");
        assertThat(serve.isAlive()).isTrue();
        // The runner's own files are where they were, and it goes on serving.
        assertThat(log).exists();
        assertThat(Path.of("/etc/passwd")).exists();
        assertThat(run("environ 1 x")).containsEntry("status", "success");
    }

    @Test
    void aHundredMegabyteLineIsSplitAndTheRunnerKeepsServing() {
        Map<String, String> job = run("longline");
        assertThat(job.get("status")).as(job.toString()).isIn("success", "failed");
        assertThat(lines(job)).allMatch(l -> l.length() <= 64 * 1024);
        assertThat(serve.isAlive()).isTrue();
        assertThat(run("environ 1 x")).containsEntry("status", "success");
    }

    @Test
    void aGitDirectoryLinkedOutOfTheTreeIsNotWrittenThrough() throws Exception {
        Path victim = Files.createDirectories(dir.resolve("victim"));
        Files.writeString(victim.resolve("config"), "precious\n");
        Map<String, String> job = run("gitlink " + victim);
        assertThat(lines(job)).contains("git dir linked");
        assertThat(job.get("status")).as(job.toString()).isIn("success", "failed");
        assertThat(Files.readString(victim.resolve("config"))).isEqualTo("precious\n");
        assertThat(victim.resolve("index")).doesNotExist();
    }

    @Test
    void anObjectStoreLinkedOutOfTheTreeIsNotWrittenThrough() throws Exception {
        Path victim = Files.createDirectories(dir.resolve("victim-objects"));
        Map<String, String> job = run("gitobjects " + victim);
        assertThat(lines(job)).contains("git objects linked");
        assertThat(job.get("status")).as(job.toString()).isIn("success", "failed");
        try (Stream<Path> written = Files.list(victim)) {
            assertThat(written.toList()).as("written through the link").isEmpty();
        }
    }
}
