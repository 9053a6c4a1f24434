package io.repobox.runner.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.repobox.output.redis.OutputEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** AI_IDLE_TIMEOUT through the whole job path: real Redis, real git, the fake agent and a real hook. */
class IdleTimeoutIT extends RunnerTestBase {

    @Test
    void anAgentThatGoesSilentEndsIdleWithTheSettingNamed() throws Exception {
        runner = h.start(h.env("AI_IDLE_TIMEOUT", "1s"));
        String id = h.submit("@fake sleep=600");

        Map<String, String> job = h.awaitEnd(runner.output(), id);

        assertThat(job).containsEntry("status", "failed").containsEntry("failure_kind", "idle")
                .containsEntry("error_message", "Agent printed nothing for 1s; stopped it (AI_IDLE_TIMEOUT)");
        assertThat(h.lines(runner.output(), id)).contains("[fake] sleeping 600s")
                .last().isEqualTo("Agent printed nothing for 1s; stopped it (AI_IDLE_TIMEOUT)");
    }

    @Test
    void anAgentPrintingOnlyOnStderrIsNotIdle() throws Exception {
        // Runs about twice the limit, printing on stderr only: counted as output, it is never stopped.
        Path agent = Files.writeString(dir.resolve("stderr-agent"),
                "#!/bin/sh\ncat > /dev/null\ni=0; while [ $i -lt 10 ]; do echo working $i >&2; sleep 0.2; i=$((i+1)); done\n");
        Files.setPosixFilePermissions(agent, PosixFilePermissions.fromString("rwx------"));
        runner = h.start(h.env("AI_ENABLED", "true", "AI_PROVIDER", "command", "AI_CLI_PATH", agent.toString(), "AI_IDLE_TIMEOUT", "1s"));
        String id = h.submit("x");

        Map<String, String> job = h.awaitEnd(runner.output(), id);

        assertThat(job).as(job.toString()).containsEntry("status", "success").containsEntry("failure_kind", "");
        assertThat(h.output(runner.output(), id)).filteredOn(e -> e.stream().equals("stderr") && e.source().equals("agent"))
                .extracting(OutputEntry::line).contains("working 0", "working 9");
    }

    @Test
    void aSilentPreRunHookEndsIdleToo() throws Exception {
        Path envs = Files.writeString(dir.resolve("envs.json"),
                "{\"environments\":{\"php\":{\"hook\":{\"shell\":\"echo installing; sleep 600\"}}}}");
        runner = h.start(h.env("AI_IDLE_TIMEOUT", "1s", "ENVIRONMENTS_FILE", envs.toString()));
        String id = h.submit("x", "environment", "php");

        Map<String, String> job = h.awaitEnd(runner.output(), id);

        assertThat(job).containsEntry("status", "failed").containsEntry("failure_kind", "idle")
                .containsEntry("error_message", "Pre-run hook for environment 'php' printed nothing for 1s; stopped it (AI_IDLE_TIMEOUT)");
    }
}
