package io.repobox.runner.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.repobox.agent.testing.TestProcesses;
import io.repobox.output.redis.RedisOutput;
import io.repobox.output.redis.RedisOutputOptions;
import io.repobox.output.redis.testing.TestRedis;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A serve process killed with SIGKILL in the middle of a job; another runner recovers the job. */
class RunnerRecoveryIT {

    @TempDir
    Path dir;

    @Test
    void aSecondRunnerEndsTheJobOfAKilledRunnerAndStopsWhatItLeftRunning() throws Exception {
        try (TestRedis redis = TestRedis.startPersistent();
             RedisOutput output = RedisOutput.connect(RedisOutputOptions.builder(redis.url()).build())) {
            RunnerHarness h = new RunnerHarness(redis, dir);
            String marker = "RECOVERY_IT=" + UUID.randomUUID();

            // Runner A: the real jar, started without the process core so that nothing of the test stops its children.
            Map<String, String> envA = h.env("RUNNER_ID", "runner-a");
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                    Path.of("target", "runner-app.jar").toAbsolutePath().toString(), "serve"));
            ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("runner-a.log").toFile());
            builder.environment().clear();
            builder.environment().putAll(envA);
            builder.environment().put(marker.split("=")[0], marker.split("=")[1]);
            Process runnerA = builder.start();

            String id = h.submit("@fake sleep=1h spawn=true");
            RunnerHarness.awaitLine(output, id, "[fake] sleeping 3600s");
            var cgroups = io.repobox.runner.sandbox.Cgroups.detect().filter(c -> RunnerHarness.SANDBOXED);
            String group = io.repobox.runner.sandbox.JobSandbox.groupName(id);
            cgroups.ifPresent(c -> assertThat(c.exists(group)).as("the job's cgroup, while it runs").isTrue());
            runnerA.destroyForcibly().waitFor();
            // Nothing outlives the runner: in the sandbox the namespace dies with it (--die-with-parent);
            // without it, the watch the process core keeps over each child's session kills the session.
            RunnerHarness.await("the killed runner's agent ends with it", () -> TestProcesses.liveProcessesWithEnvironment(marker).isEmpty());

            try (Runner b = h.start(h.env("RUNNER_ID", "runner-b"))) {
                Map<String, String> job = h.awaitEnd(b.output(), id);

                assertThat(job).containsEntry("status", "failed").containsEntry("error_message", "Runner runner-a stopped while running this job");
                assertThat(TestProcesses.liveProcessesWithEnvironment(marker)).isEmpty();
                cgroups.ifPresent(c -> assertThat(c.exists(group)).as("the killed runner's cgroup, removed by the recovery").isFalse());
                h.awaitNoPendingEntries();
            }
        }
    }

}
