package io.repobox.runner.testing;

import io.repobox.agent.Agent;
import io.repobox.agent.AgentConfig;
import io.repobox.agent.AgentExecution;
import io.repobox.agent.AgentResult;
import io.repobox.agent.output.OutputLine;
import io.repobox.agent.spi.AgentProvider;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A test-only provider ("usage") that changes nothing and reports usage as a real provider's result
 * does: {@code agent_input_tokens} 1200, {@code agent_output_tokens} 340, {@code agent_cost_usd}
 * 0.0125 and {@code agent_model} test-model. For the metrics that add those up.
 */
public final class UsageAgentProvider implements AgentProvider {

    public static final Map<String, String> DETAILS = Map.of("agent_input_tokens", "1200", "agent_output_tokens", "340",
            "agent_cost_usd", "0.0125", "agent_model", "test-model");

    @Override
    public String name() {
        return "usage";
    }

    @Override
    public Agent create(AgentConfig config) {
        return (request, sink) -> {
            sink.accept(new OutputLine(System.currentTimeMillis(), OutputLine.Stream.STDOUT, OutputLine.Source.AGENT, "used some tokens"));
            return AgentExecution.of(CompletableFuture.completedFuture(
                    AgentResult.succeeded("Used some tokens", Duration.ofMillis(1), DETAILS)), () -> { });
        };
    }
}
