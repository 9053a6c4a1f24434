package io.repobox.runner.pipeline;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Measures a job's workspace at a fixed period and calls {@code onExceeded} once when it passes
 * SANDBOX_MAX_WORKSPACE: during the clone (git runs outside the sandbox, so nothing else bounds it: a
 * hostile repository would fill the runner's disk for every job) and while sandboxed processes run
 * (RLIMIT_FSIZE bounds one file, this the whole workspace).
 */
public final class WorkspaceWatch implements AutoCloseable {

    private static final ScheduledExecutorService WATCHER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "repobox-workspace-watch");
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
    public static WorkspaceWatch start(Path workspace, long max, Duration period, Runnable onExceeded) {
        return new WorkspaceWatch(workspace, max, period, onExceeded);
    }

    /** Measures now (the step's end): whether the workspace passed the limit, now or at an earlier check. */
    public synchronized boolean exceeded() {
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
