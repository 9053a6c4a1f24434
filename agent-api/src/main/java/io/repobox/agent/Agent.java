package io.repobox.agent;

import io.repobox.agent.output.OutputSink;
import java.net.URI;
import java.util.Optional;

/**
 * A configured agent, made by an {@link io.repobox.agent.spi.AgentProvider}. One agent serves
 * any number of requests, concurrently; implementations are thread-safe.
 */
public interface Agent extends AutoCloseable {

    /**
     * Starts {@code request} and returns at once. Output goes to {@code sink} line by line as it
     * is printed. Failures to start are not thrown: they end the execution as
     * {@link AgentResult.Outcome#INTERNAL_ERROR} with a message saying what to fix.
     */
    AgentExecution start(AgentRequest request, OutputSink sink);

    /** Runs {@code request} to its end. */
    default AgentResult run(AgentRequest request, OutputSink sink) throws InterruptedException {
        return start(request, sink).await();
    }

    /**
     * The model API this agent's CLI talks to (the configured base URL, or the provider's public
     * endpoint), so that a caller which confines the agent's network can allow exactly that host.
     * Empty when the agent needs no network (the dry run).
     */
    default Optional<URI> apiEndpoint() {
        return Optional.empty();
    }

    /** Releases what the agent holds. Executions still running are not affected. */
    @Override
    default void close() {
    }
}
