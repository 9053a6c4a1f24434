package io.repobox.runner.pipeline;

import java.io.IOException;

/**
 * One named step of a job (preparing the workspace, cloning, the hook, the agent, committing,
 * pushing). Steps run in order over one {@link JobContext}; the first that fails ends the job, with
 * its own message. A step that is stopped from outside (cancel, timeout, shutdown) may fail with any
 * message: the pipeline reports the stop instead, naming the step.
 */
public interface Step {

    /** What the job is doing during this step, as messages put it: "cloning the repository". */
    String doing();

    /** Whether the step has anything to do for this job (the hook step only when there is a hook). */
    default boolean applies(JobContext job) {
        return true;
    }

    /**
     * Does the step's work.
     *
     * @throws StepFailure          the step failed; its message says why, for the job's record
     * @throws InterruptedException the runner is stopping this thread
     * @throws IOException          an I/O error of the runner's own (reported as internal, naming the step)
     */
    void run(JobContext job) throws StepFailure, InterruptedException, IOException;
}
