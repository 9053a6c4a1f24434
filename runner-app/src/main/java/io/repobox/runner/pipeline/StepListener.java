package io.repobox.runner.pipeline;

import java.time.Duration;

/**
 * Observes the steps of every job (for metrics and tracing). Called on the job's thread; must be
 * quick and must not throw.
 */
public interface StepListener {

    /** Listens to nothing. */
    StepListener NONE = new StepListener() {
    };

    /** {@code step} is about to run for the job. */
    default void started(JobContext job, Step step) {
    }

    /**
     * {@code step} ended after {@code took}.
     *
     * @param failure null if the step did its work; otherwise what ended it (a {@link StepFailure},
     *                an {@link InterruptedException}, or any other exception)
     */
    default void ended(JobContext job, Step step, Duration took, Throwable failure) {
    }
}
