package io.repobox.runner.ops;

import io.repobox.agent.process.LineHandler;
import io.repobox.agent.process.ProcessExecution;
import io.repobox.agent.process.ProcessLauncher;
import io.repobox.agent.process.ProcessResult;
import io.repobox.agent.process.ProcessSpec;
import io.repobox.runner.pipeline.JobContext;
import io.repobox.runner.pipeline.Step;
import io.repobox.runner.pipeline.StepListener;
import java.time.Duration;
import java.util.Locale;

/**
 * Reports each job's steps to the metrics: their durations, what the agent used (from its result's
 * details), and the processes the runner stopped when the hook's or the agent's programs ended.
 */
public final class MetricsStepListener implements StepListener {

    private final RunnerMetrics metrics;
    private final String provider;
    private final String configuredModel;

    /** @param configuredModel AI_MODEL, or empty: names the model when the agent's result does not */
    public MetricsStepListener(RunnerMetrics metrics, String provider, String configuredModel) {
        this.metrics = metrics;
        this.provider = provider;
        this.configuredModel = configuredModel;
    }

    @Override
    public void started(JobContext job, Step step) {
        if (!(job.launcher() instanceof Counting)) {
            job.launcher(new Counting(job.launcher(), metrics)); // wraps whatever launcher (sandbox or not) the job has
        }
    }

    @Override
    public void ended(JobContext job, Step step, Duration took, Throwable failure) {
        String name = name(step);
        metrics.stepEnded(name, took, failure == null);
        if (name.equals("agent")) {
            metrics.agentUsage(provider, configuredModel, job.details());
        }
    }

    /** "AgentStep" → "agent", "WorkspaceStep" → "workspace". */
    static String name(Step step) {
        String simple = step.getClass().getSimpleName();
        return (simple.endsWith("Step") ? simple.substring(0, simple.length() - 4) : simple).toLowerCase(Locale.ROOT);
    }

    /** Counts the processes each execution's end stopped: leftovers after an exit, or the tree after a stop. */
    private record Counting(ProcessLauncher inner, RunnerMetrics metrics) implements ProcessLauncher {

        @Override
        public ProcessExecution start(ProcessSpec spec, LineHandler handler) {
            ProcessExecution execution = inner.start(spec, handler);
            execution.completion().thenAccept(r -> metrics.processesStopped(r.stoppedProcesses(),
                    r.outcome() == ProcessResult.Outcome.EXITED ? "exit" : "stop"));
            return execution;
        }

        @Override
        public boolean confined() {
            return inner.confined();
        }
    }
}
