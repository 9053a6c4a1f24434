package io.repobox.runner.pipeline;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Measures a job's workspace at a fixed period while a step outside the sandbox writes into it (the
 * clone: git runs unconfined, so no RLIMIT_FSIZE or sandbox watch bounds it), and calls
 * {@code onExceeded} once when it passes the limit. A hostile repository (a huge blob, or one blob
 * checked out under thousands of names) would otherwise fill the runner's disk for every job on it.
 */
final class WorkspaceWatch implements AutoCloseable {

    private static final ScheduledExecutorService WATCHER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "repobox-clone-watch");
        t.setDaemon(true);
        return t;
    });

    private final Path workspace;
    private final long max;
    private final Runnable onExceeded;
    private final ScheduledFuture<?> check;
    private boolean exceeded;
    private boolean closed;

    private WorkspaceWatch(Path workspace, long max, Duration period, Runnable onExceeded) {
        this.workspace = workspace;
        this.max = max;
        this.onExceeded = onExceeded;
        this.check = WATCHER.scheduleWithFixedDelay(this::check, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Starts watching {@code workspace} against {@code max} bytes, every {@code period}. */
    static WorkspaceWatch start(Path workspace, long max, Duration period, Runnable onExceeded) {
        return new WorkspaceWatch(workspace, max, period, onExceeded);
    }

    /** Measures now (the step's end): whether the workspace passed the limit, now or at an earlier check. */
    synchronized boolean exceeded() {
        check();
        return exceeded;
    }

    /** Synchronized with {@link #close()}: once closed, a check still under way never stops the next step. */
    private synchronized void check() {
        if (!closed && !exceeded && Workspaces.size(workspace, max) > max) {
            exceeded = true;
            onExceeded.run();
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        check.cancel(false);
    }
}
