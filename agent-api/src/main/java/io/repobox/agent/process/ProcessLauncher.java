package io.repobox.agent.process;

/**
 * Starts the processes that run on a job's behalf: directly, or confined in a sandbox that the
 * caller (the runner) built for the job. Providers start their CLI through the launcher of the
 * {@link io.repobox.agent.AgentRequest} and never through {@link ProcessRunner} directly, so that
 * everything an agent runs passes through the one boundary the caller draws.
 *
 * <p>Implementations are thread-safe and may rewrite the spec (for example prefix the command with
 * a sandbox program, or replace the environment's HOME and TMPDIR with per-job directories); the
 * handler sees the lines of the program the spec named.
 */
@FunctionalInterface
public interface ProcessLauncher {

    /** Starts {@code spec}, delivering its lines to {@code handler}. Returns at once; never null. */
    ProcessExecution start(ProcessSpec spec, LineHandler handler);

    /**
     * Whether processes started here are confined by the caller's sandbox. A CLI that has a sandbox of
     * its own turns it off when this is true (two nested sandboxes rarely work), and on when it is false.
     */
    default boolean confined() {
        return false;
    }

    /** Starts processes as they are, with {@link ProcessRunner#start}. */
    static ProcessLauncher direct() {
        return ProcessRunner::start;
    }
}
