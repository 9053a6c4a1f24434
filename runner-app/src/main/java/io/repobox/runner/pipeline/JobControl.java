package io.repobox.runner.pipeline;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Stops one job from outside: a cancel request, the job's deadline, or the runner shutting down.
 * Whatever step is running (git, the hook, the agent) registers how to stop it; the executor
 * checks {@link #stopReason()} between steps. Thread-safe.
 */
public final class JobControl {

    /** Why a job was stopped. */
    public enum Reason { CANCELLED, TIMED_OUT, SHUTDOWN }

    private final AtomicReference<Reason> reason = new AtomicReference<>();
    private final AtomicReference<Runnable> current = new AtomicReference<>();

    /** Stops the job for {@code why}; the first reason wins. */
    public void stop(Reason why) {
        if (reason.compareAndSet(null, why)) {
            interruptStep();
        }
    }

    /** Registers how to stop the step that is running now; runs it at once if the job is already stopped. */
    public void running(Runnable canceller) {
        current.set(canceller);
        if (reason.get() != null) {
            canceller.run();
        }
    }

    /**
     * Stops the step running now without stopping the job: the step itself then says why it failed
     * (the clone passing the workspace limit). Nothing else of the job is stopped.
     */
    public void interruptStep() {
        Runnable c = current.get();
        if (c != null) {
            c.run();
        }
    }

    /** {@link #running(Runnable)} for a process step (git, the hook). */
    public void runningProcess(io.repobox.agent.process.ProcessExecution execution) {
        running(execution::cancel);
    }

    public Reason stopReason() {
        return reason.get();
    }
}
