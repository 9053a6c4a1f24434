package io.repobox.runner.pipeline;

import io.repobox.agent.Agent;
import io.repobox.agent.output.Durations;
import io.repobox.agent.output.OutputSink;
import io.repobox.runner.environment.Environments;
import io.repobox.runner.job.FailureKind;
import io.repobox.runner.job.FinalRecord;
import io.repobox.runner.job.Job;
import io.repobox.runner.job.JobStore;
import io.repobox.runner.sandbox.Sandbox;
import io.repobox.runner.sandbox.SandboxStep;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one claimed job through its steps to its final record:
 * <pre>
 *   workspace → clone → sandbox (when there is one) → hook (if the environment has one) → agent → commit → push (if anything changed) → finish
 * </pre>
 * Every failure becomes a final status with a message that names the step and the cause; a stop
 * from outside (cancel, JOB_TIMEOUT, shutdown) wins over whatever the interrupted step said. The
 * final record, the failure line in the output and the cleanup always happen ({@link JobFinish}).
 * Thread-safe: one pipeline runs many jobs at once, each on its own context.
 */
public final class JobPipeline {

    private static final Logger log = LoggerFactory.getLogger(JobPipeline.class);

    /**
     * Every process of a job carries this variable with the job id, so that the processes of a runner
     * that was killed can be found and stopped by whoever recovers the job on the same host.
     */
    public static final String JOB_TAG = "REPOBOX_JOB_ID";

    private final JobSettings settings;
    private final BiConsumer<String, FinalRecord> records;
    private final List<Step> steps;
    private final JobFinish finish;
    private final StepListener listener;
    /** The job sandbox's host-side parts (cgroups) are named by job: what a dead runner left is found by its job id. Null: none. */
    private final Sandbox sandbox;

    public JobPipeline(JobSettings settings, JobStore store, Agent agent, Environments environments) {
        this(settings, store, agent, environments, null);
    }

    /** The pipeline with the job's sandbox built after the clone, so that the hook and the agent run inside it (null: none). */
    public JobPipeline(JobSettings settings, JobStore store, Agent agent, Environments environments, Sandbox sandbox) {
        this(settings, store::finish, steps(store, agent, environments, sandbox), StepListener.NONE, sandbox);
    }

    private static List<Step> steps(JobStore store, Agent agent, Environments environments, Sandbox sandbox) {
        // The clone is bounded by SANDBOX_MAX_WORKSPACE whatever SANDBOX says: git runs outside the sandbox.
        long maxWorkspace = sandbox == null ? 0 : sandbox.settings().maxWorkspace();
        List<Step> steps = new java.util.ArrayList<>(List.of(new WorkspaceStep(environments, store), new CloneStep(maxWorkspace)));
        if (sandbox != null) { // the step applies when there is one (and waits for a test sandbox still being tried)
            steps.add(new SandboxStep(sandbox, agent));
        }
        steps.addAll(List.of(new HookStep(), new AgentStep(agent), new CommitStep(), new PushStep()));
        return steps;
    }

    /**
     * A pipeline of the given steps.
     *
     * @param records writes a job's final record (the job store's {@code finish})
     */
    JobPipeline(JobSettings settings, BiConsumer<String, FinalRecord> records, List<Step> steps, StepListener listener) {
        this(settings, records, steps, listener, null);
    }

    private JobPipeline(JobSettings settings, BiConsumer<String, FinalRecord> records, List<Step> steps, StepListener listener, Sandbox sandbox) {
        this.settings = settings;
        this.sandbox = sandbox;
        this.records = records;
        this.steps = List.copyOf(steps);
        this.finish = new JobFinish(settings, records);
        this.listener = listener;
    }

    /** The same pipeline, reporting its steps to {@code listener} (metrics, tracing). */
    public JobPipeline withListener(StepListener listener) {
        return new JobPipeline(settings, records, steps, listener, sandbox);
    }

    /** The provider the jobs run with. */
    public String agentName() {
        return settings.agentName();
    }

    /**
     * Removes what a job whose runner died on this host left here: its workspace and its sandbox's
     * cgroups (killing anything still in them), which a killed runner could not take down.
     */
    public void removeLeftovers(String jobId) {
        Workspaces.delete(settings.tempDir().resolve(jobId));
        if (sandbox != null) {
            sandbox.removeLeftovers(jobId);
        }
    }

    /** Runs the job (already claimed: status running) and writes its final record; never throws. */
    public JobOutcome run(Job job, OutputSink sink, JobControl control) {
        JobContext ctx = new JobContext(job, settings, sink, control, System.nanoTime());
        Step step = steps.get(0);
        JobOutcome outcome;
        try {
            for (Step s : steps) {
                step = s;
                if (s.applies(ctx)) {
                    runStep(ctx, s);
                }
            }
            outcome = JobOutcome.success();
        } catch (StepFailure e) {
            outcome = stopped(ctx, step).orElse(JobOutcome.failed(e.kind(), e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome = stopped(ctx, step).orElse(JobOutcome.failed(FailureKind.INTERNAL,
                    "The runner was interrupted while " + step.doing()));
        } catch (RuntimeException | IOException e) {
            log.warn("Job {} failed while {}", job.id(), step.doing(), e);
            outcome = stopped(ctx, step).orElse(JobOutcome.failed(FailureKind.INTERNAL,
                    "Internal error while " + step.doing() + ": " + e.getMessage()));
        }
        return finish.write(ctx, outcome);
    }

    private void runStep(JobContext ctx, Step step) throws StepFailure, InterruptedException, IOException {
        long started = System.nanoTime();
        listener.started(ctx, step);
        Throwable failure = null;
        try {
            step.run(ctx);
        } catch (StepFailure | InterruptedException | IOException | RuntimeException e) {
            failure = e;
            throw e;
        } finally {
            listener.ended(ctx, step, Duration.ofNanos(System.nanoTime() - started), failure);
        }
    }

    /** When the job was stopped from outside, that is the outcome, whatever the step said. */
    private Optional<JobOutcome> stopped(JobContext ctx, Step step) {
        JobControl.Reason reason = ctx.control().stopReason();
        if (reason == null && System.nanoTime() >= ctx.deadline()) {
            reason = JobControl.Reason.TIMED_OUT;
        }
        if (reason == null) {
            return Optional.empty();
        }
        return Optional.of(switch (reason) {
            case CANCELLED -> JobOutcome.cancelled("Cancelled while " + step.doing());
            case SHUTDOWN -> JobOutcome.cancelled("Runner " + settings.runnerId() + " was shut down while " + step.doing()
                    + "; the job was stopped");
            case TIMED_OUT -> JobOutcome.failed(FailureKind.TIMEOUT, "Job timed out after "
                    + Durations.format(settings.jobTimeout()) + " (JOB_TIMEOUT) while " + step.doing());
        });
    }
}
