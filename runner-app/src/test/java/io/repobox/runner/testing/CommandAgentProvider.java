package io.repobox.runner.testing;

import io.repobox.agent.Agent;
import io.repobox.agent.AgentConfig;
import io.repobox.agent.AgentExecution;
import io.repobox.agent.AgentResult;
import io.repobox.agent.output.OutputLine;
import io.repobox.agent.process.LineHandler;
import io.repobox.agent.process.ProcessExecution;
import io.repobox.agent.process.ProcessSpec;
import io.repobox.agent.spi.AgentProvider;
import io.repobox.runner.config.ChildEnvironment;
import java.util.List;

/**
 * A test-only provider ("command") that runs the program named by {@code cli-path} (AI_CLI_PATH)
 * with the prompt on stdin, through the request's launcher (inside the job's sandbox when there is
 * one): lets the runner's tests use any stub executable as the agent.
 */
public final class CommandAgentProvider implements AgentProvider {

    @Override
    public String name() {
        return "command";
    }

    @Override
    public Agent create(AgentConfig config) {
        String program = config.getString("cli-path", "agent");
        String baseUrl = config.getString("base-url", "");
        return new Agent() {
            @Override
            public java.util.Optional<java.net.URI> apiEndpoint() {
                // AI_BASE_URL: the model API a stub stands in for, allowed through the sandbox's proxy
                return baseUrl.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(java.net.URI.create(baseUrl));
            }

            @Override
            public AgentExecution start(io.repobox.agent.AgentRequest request, io.repobox.agent.output.OutputSink sink) {
                var env = ChildEnvironment.inherited();
                env.putAll(request.environment());
                ProcessExecution process = request.launcher().start(ProcessSpec.builder(List.of(program)).workingDirectory(request.workingDirectory())
                        .environment(env).stdin(request.prompt()).timeout(request.timeout()).idleTimeout(request.idleTimeout()).masker(request.masker())
                        .gracePeriod(config.getDuration("grace-period", ProcessSpec.DEFAULT_GRACE_PERIOD)).build(),
                        LineHandler.to(sink, OutputLine.Source.AGENT));
                return AgentExecution.of(process.completion().toCompletableFuture()
                        .thenApply(p -> AgentResult.fromProcess(p, "(set AI_CLI_PATH)")), process::cancel);
            }
        };
    }
}
