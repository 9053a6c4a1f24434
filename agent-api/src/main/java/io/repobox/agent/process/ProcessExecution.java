package io.repobox.agent.process;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * A running process and everything it started. Thread-safe.
 *
 * <p>The result is completed only after the whole tree is gone and the readers have drained the
 * pipes (or were given up on after the drain timeout).
 */
public interface ProcessExecution {

    /** Asks the execution to stop its tree (SIGTERM, then SIGKILL after the grace period). Idempotent. */
    void cancel();

    /** Waits for the result. */
    ProcessResult await() throws InterruptedException;

    /** Waits at most {@code max}; empty if the result is not there yet. */
    Optional<ProcessResult> await(Duration max) throws InterruptedException;

    boolean isDone();

    CompletionStage<ProcessResult> completion();

    /** The direct child's pid, or -1 if it did not start. */
    long pid();
}
