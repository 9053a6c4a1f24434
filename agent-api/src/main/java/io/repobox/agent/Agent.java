package io.repobox.agent;

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

    /** Releases what the agent holds. Executions still running are not affected. */
    @Override
    default void close() {
    }
}
