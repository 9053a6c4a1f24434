package io.repobox.agent.example;

import io.repobox.agent.Agent;
import io.repobox.agent.AgentConfig;
import io.repobox.agent.AgentExecution;
import io.repobox.agent.AgentResult;
import io.repobox.agent.output.OutputLine;
import io.repobox.agent.process.LineHandler;
import io.repobox.agent.process.ProcessExecution;
import io.repobox.agent.process.ProcessSpec;
import io.repobox.agent.spi.AgentProvider;
import java.util.List;
import java.util.Map;

/**
 * The minimal provider of docs/writing-a-provider.md: an "agent" that prints the prompt in
 * capitals by running {@code tr}. Everything a real provider needs is here: a name, a factory,
 * the process core with the prompt on stdin, and the shared mapping to a result.
 */
public final class ShoutAgentProvider implements AgentProvider {

    @Override
    public String name() {
        return "shout";
    }

    @Override
    public Agent create(AgentConfig config) {
        String program = config.getString("cli-path", "tr");
        return (request, sink) -> {
            Map<String, String> env = config.environmentPolicy().inherited(); // without what the caller withholds
            env.putAll(request.environment());
            ProcessSpec spec = ProcessSpec.builder(List.of(program, "a-z", "A-Z"))
                    .workingDirectory(request.workingDirectory())
                    .environment(env)
                    .stdin(request.prompt())            // never an argument: any prompt, any length
                    .timeout(request.timeout())
                    .idleTimeout(request.idleTimeout()) // a CLI silent this long is hung: stopped
                    .masker(request.masker())           // secrets never leave the provider
                    .build();
            ProcessExecution process = request.launcher().start(spec, LineHandler.to(sink, OutputLine.Source.AGENT));
            return AgentExecution.of(
                    process.completion().toCompletableFuture().thenApply(p -> AgentResult.fromProcess(p, "(set cli-path)")),
                    process::cancel);
        };
    }
}
