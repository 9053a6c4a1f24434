package io.repobox.agent.fake;

import io.repobox.agent.Agent;
import io.repobox.agent.AgentConfig;
import io.repobox.agent.AgentConfigException;
import io.repobox.agent.AgentExecution;
import io.repobox.agent.AgentRequest;
import io.repobox.agent.AgentResult;
import io.repobox.agent.output.OutputLine;
import io.repobox.agent.output.OutputSink;
import io.repobox.agent.process.LineHandler;
import io.repobox.agent.process.ProcessExecution;
import io.repobox.agent.process.ProcessSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The dry-run agent. Each request runs a small shell script through the process core, exactly as
 * a real agent CLI runs: the prompt on stdin, output streamed, tree stopped on timeout. So every
 * path of the pipeline (success, failure, timeout, cancel, huge or garbage output) can be
 * exercised offline and deterministically.
 */
final class FakeAgent implements Agent {

    static final String SHELL = "/bin/sh";
    private static final String SCRIPT = loadScript();

    private final AgentConfig config;

    FakeAgent(AgentConfig config) {
        this.config = config;
    }

    @Override
    public AgentExecution start(AgentRequest request, OutputSink sink) {
        FakeBehaviour behaviour;
        try {
            behaviour = FakeBehaviour.resolve(config.with(request.options()), request.prompt());
        } catch (AgentConfigException e) {
            return AgentExecution.of(CompletableFuture.completedFuture(
                    AgentResult.internalError("Agent could not start: " + e.getMessage(), Duration.ZERO)), () -> { });
        }
        Map<String, String> env = config.environmentPolicy().inherited();
        env.putAll(request.environment());
        env.put("FAKE_JOB_ID", request.jobId());
        env.put("FAKE_ENVIRONMENT", request.environmentName());
        env.put("FAKE_WRITE", Boolean.toString(behaviour.write()));
        env.put("FAKE_FILE", behaviour.file());
        env.put("FAKE_LINES", Integer.toString(behaviour.lines()));
        env.put("FAKE_PAD", behaviour.padding());
        env.put("FAKE_STDERR_LINES", Integer.toString(behaviour.stderrLines()));
        env.put("FAKE_UNTERMINATED_BYTES", Long.toString(behaviour.unterminatedBytes()));
        env.put("FAKE_GARBAGE", Boolean.toString(behaviour.garbage()));
        env.put("FAKE_SPAWN", Boolean.toString(behaviour.spawn()));
        env.put("FAKE_SLEEP", seconds(behaviour.sleep()));
        env.put("FAKE_ERROR", behaviour.error());
        env.put("FAKE_EXIT_CODE", Integer.toString(behaviour.exitCode()));

        ProcessSpec spec = ProcessSpec.builder(List.of(SHELL, "-c", SCRIPT, "fake-agent"))
                .name("fake agent for job " + request.jobId())
                .workingDirectory(request.workingDirectory())
                .environment(env)
                .stdin(describe(request))
                .timeout(request.timeout())
                .idleTimeout(request.idleTimeout())
                .gracePeriod(config.getDuration("grace-period", ProcessSpec.DEFAULT_GRACE_PERIOD))
                .maxLineBytes(config.getInt("max-line-bytes", ProcessSpec.DEFAULT_MAX_LINE_BYTES))
                .masker(request.masker())
                .build();
        ProcessExecution process = request.launcher().start(spec, LineHandler.to(sink, OutputLine.Source.AGENT));
        CompletableFuture<AgentResult> result = process.completion().toCompletableFuture().thenApply(p -> {
            AgentResult r = AgentResult.fromProcess(p, "(is " + SHELL + " installed?)");
            if (r.isSuccess() && !behaviour.error().isEmpty()) {
                return AgentResult.failed(null, request.masker().mask("Agent reported an error: " + behaviour.error()),
                        r.duration(), Map.of());
            }
            return r.isSuccess() ? AgentResult.succeeded("Dry run finished (fake agent, no AI)", r.duration(), Map.of()) : r;
        });
        return AgentExecution.of(result, process::cancel);
    }

    /** The file the fake agent writes: deterministic, so a re-run changes nothing. */
    private static String describe(AgentRequest request) {
        return "# Dry run\n\n"
                + "Written by the repobox fake agent (a dry run: no AI was involved).\n\n"
                + "- job: " + request.jobId() + "\n"
                + "- environment: " + request.environmentName() + "\n\n"
                + "## Prompt\n\n"
                + request.prompt() + (request.prompt().endsWith("\n") ? "" : "\n");
    }

    private static String loadScript() {
        try (InputStream in = FakeAgent.class.getResourceAsStream("fake-agent.sh")) {
            if (in == null) {
                throw new IllegalStateException("fake-agent.sh is missing from the agent-fake jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Seconds with up to three decimals and no trailing zeros ({@code 0}, {@code 1.5}, {@code 3600}), as
     * {@code sleep} takes them. Not through {@code String.format}: its first use in a process costs a few
     * milliseconds, and this agent is the yardstick of the runner's own overhead.
     */
    static String seconds(Duration d) {
        return BigDecimal.valueOf(d.toMillis(), 3).stripTrailingZeros().toPlainString();
    }
}
