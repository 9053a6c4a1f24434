package io.repobox.runner.cli;

import static io.repobox.agent.testing.RecordingHandler.SAFETY_NET;
import static org.assertj.core.api.Assertions.assertThat;

import io.repobox.agent.process.ProcessExecution;
import io.repobox.agent.process.ProcessResult;
import io.repobox.agent.process.ProcessRunner;
import io.repobox.agent.process.ProcessSpec;
import io.repobox.agent.testing.RecordingHandler;
import io.repobox.output.redis.testing.TestRedis;
import io.repobox.runner.config.ChildEnvironment;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code logs --follow} and {@code submit --follow} as a person uses them: the jar, real signals, no runner alive. */
class FollowIT {

    static TestRedis redis;

    @TempDir
    Path dir;

    @BeforeAll
    static void startRedis() {
        redis = TestRedis.startPersistent();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    private ProcessExecution jar(RecordingHandler out, String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("env", "--default-signal=INT",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", Path.of("target", "runner-app.jar").toAbsolutePath().toString()));
        command.addAll(List.of(args));
        Map<String, String> env = ChildEnvironment.inherited();
        env.put("REDIS_URL", redis.url());
        return ProcessRunner.start(ProcessSpec.builder(command).workingDirectory(dir).environment(env).build(), out);
    }

    @Test
    void withNoRunnerAliveFollowSaysSoAndCtrlCStopsFollowingWhileTheJobGoesOn() throws Exception {
        String id = UUID.randomUUID().toString();
        redis.redis().hset("job:" + id, Map.of("id", id, "status", "pending", "repo_url", "/nowhere", "prompt", "p"));
        RecordingHandler out = new RecordingHandler();
        ProcessExecution follow = jar(out, "logs", "--follow", id);

        out.awaitLine(l -> l.text().contains("No runner has taken job " + id + " after 5s"));
        RunSignalsIT.interrupt(follow.pid());
        ProcessResult result = follow.await(SAFETY_NET).orElseThrow();

        assertThat(result.exitCode()).hasValue(ExitCodes.STOPPED_FOLLOWING);
        assertThat(out.texts()).anyMatch(t -> t.startsWith("[runner] Stopped following job " + id + "; the job goes on. Follow it again with: "
                + "runner-app logs --follow " + id));
        assertThat(out.texts()).noneMatch(t -> t.contains("cancelled"));
        assertThat(redis.redis().hget("job:" + id, "status")).isEqualTo("pending");
    }
}
