package io.repobox.agent;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A running agent: awaited with or without a bound, cancelled from any thread.
 *
 * <p>The result is produced only once no process the execution started is left alive. All
 * methods are thread-safe.
 */
public interface AgentExecution {

    /**
     * Asks the execution to stop: its process tree gets SIGTERM, then SIGKILL after the grace
     * period. Returns at once; the result ({@link AgentResult.Outcome#CANCELLED}) follows. Has no
     * effect once the execution has ended. Idempotent.
     */
    void cancel();

    /** Waits for the result. Always ends: every execution has a timeout. */
    AgentResult await() throws InterruptedException;

    /** Waits at most {@code max} for the result; empty if it is not there yet. */
    Optional<AgentResult> await(Duration max) throws InterruptedException;

    /** Whether the result is there. */
    boolean isDone();

    /** The result as a stage, for callers that compose asynchronously. */
    CompletionStage<AgentResult> completion();

    /**
     * An execution backed by {@code result}, cancelled by running {@code canceller}. For providers
     * that build their execution on a {@code ProcessExecution} or on their own machinery.
     */
    static AgentExecution of(CompletableFuture<AgentResult> result, Runnable canceller) {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(canceller, "canceller");
        return new AgentExecution() {
            @Override
            public void cancel() {
                if (!result.isDone()) {
                    canceller.run();
                }
            }

            @Override
            public AgentResult await() throws InterruptedException {
                try {
                    return result.get();
                } catch (ExecutionException e) {
                    throw new AgentException("the execution failed unexpectedly: " + e.getCause(), e.getCause());
                }
            }

            @Override
            public Optional<AgentResult> await(Duration max) throws InterruptedException {
                try {
                    return Optional.of(result.get(max.toNanos(), TimeUnit.NANOSECONDS));
                } catch (TimeoutException e) {
                    return Optional.empty();
                } catch (ExecutionException e) {
                    throw new AgentException("the execution failed unexpectedly: " + e.getCause(), e.getCause());
                }
            }

            @Override
            public boolean isDone() {
                return result.isDone();
            }

            @Override
            public CompletionStage<AgentResult> completion() {
                return result.minimalCompletionStage();
            }
        };
    }
}
