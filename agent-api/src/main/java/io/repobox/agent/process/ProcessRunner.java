package io.repobox.agent.process;


/**
 * The process core: starts a program and streams its output line by line, stops its whole
 * process tree on timeout or cancel, and reports how it ended.
 *
 * <p>Guarantees, for every execution:
 * <ul>
 *   <li>The program is started from argv, never through a shell, with exactly the environment of
 *       the spec; its stdin is written while its outputs are already being read, then closed.</li>
 *   <li>stdout and stderr are read concurrently and framed into lines as bytes arrive; lines are
 *       at most {@link ProcessSpec#maxLineBytes()} bytes, valid UTF-8, and memory is bounded
 *       whatever the program prints. The pipes are always drained unless the handler blocks.</li>
 *   <li>On timeout or cancel, every process of the tree gets SIGTERM, then SIGKILL after the
 *       grace period; after a normal exit, processes it left running are stopped the same way.
 *       The result is produced only when none is left (see {@code ProcessTree} for how they are
 *       found, and its limits).</li>
 *   <li>The readers do not decide the end: once the tree is gone they get
 *       {@link ProcessSpec#drainTimeout()} to finish, then the pipes are abandoned.</li>
 *   <li>Failures to start are results ({@link ProcessResult.Outcome#FAILED_TO_START}), not exceptions.</li>
 * </ul>
 *
 * <p>Thread-safe; executions are independent of each other.
 */
public final class ProcessRunner {

    private ProcessRunner() {
    }

    /** Starts {@code spec}, delivering its lines to {@code handler}. Returns at once. */
    public static ProcessExecution start(ProcessSpec spec, LineHandler handler) {
        return RunningProcess.start(spec, handler);
    }

    /**
     * Stops every process of this user whose environment holds {@code name=value} (SIGTERM, then
     * SIGKILL after {@code grace}) and returns how many there were. For processes whose parent is gone
     * (a runner that was killed): tag them through their environment when starting them, and sweep
     * by the tag later. Linux only (reads /proc); elsewhere it finds nothing.
     */
    public static int stopProcessesWithEnvironment(String name, String value, java.time.Duration grace) {
        return new io.repobox.agent.process.internal.ProcessTree(null, name, value).stop(grace);
    }

    /** Runs {@code spec} to its end. */
    public static ProcessResult run(ProcessSpec spec, LineHandler handler) throws InterruptedException {
        return start(spec, handler).await();
    }
}
