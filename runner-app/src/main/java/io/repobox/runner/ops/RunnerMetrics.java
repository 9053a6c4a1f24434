package io.repobox.runner.ops;

import java.time.Duration;
import java.util.Map;

/**
 * What the job path reports for operators: a small facade so that the job code does not depend on
 * a metrics library, and costs nothing when metrics are off ({@link #none()}, the default when
 * HTTP_ADDRESS is not set). Implementations are thread-safe and never throw.
 */
public interface RunnerMetrics {

    /** A job was claimed and starts running with {@code provider}. */
    void jobStarted(String provider);

    /** A job ended: its final status and failure kind (empty on success), and how long it ran. */
    void jobEnded(String provider, String status, String failureKind, Duration duration);

    /** A named step of a job ended ({@code clone}, {@code hook}, {@code agent}, …), well or not. */
    void stepEnded(String step, Duration duration, boolean ok);

    /**
     * Processes the runner stopped when one of a job's programs ended: {@code when} is "exit" for
     * those the program left running after it exited, "stop" for its tree after a timeout, idle stop or cancel.
     */
    void processesStopped(int count, String when);

    /**
     * What the agent used, from its result's details ({@code agent_input_tokens},
     * {@code agent_output_tokens}, {@code agent_cost_usd}, {@code agent_model}); absent or
     * malformed values are skipped. {@code configuredModel} names the model when the result does not.
     */
    void agentUsage(String provider, String configuredModel, Map<String, String> details);

    /** A long-running loop ({@code dispatcher}, {@code maintenance}) went round once: /healthz reads these. */
    void loopTurned(String loop);

    /** A loop ended on purpose (the runner shuts down): /healthz stops watching it. */
    default void loopEnded(String loop) {
    }

    /** Metrics that record nothing. */
    static RunnerMetrics none() {
        return NoMetrics.INSTANCE;
    }
}
