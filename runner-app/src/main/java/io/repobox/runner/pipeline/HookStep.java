package io.repobox.runner.pipeline;

import io.repobox.agent.output.OutputLine;
import io.repobox.agent.process.ProcessExecution;
import io.repobox.agent.process.ProcessResult;
import io.repobox.agent.process.ProcessSpec;
import io.repobox.runner.config.ChildEnvironment;
import io.repobox.runner.environment.Environments;
import io.repobox.runner.job.FailureKind;
import java.util.Map;

/**
 * Runs the environment's pre-run hook in the repository root, through the job's launcher (the hook
 * runs the repository's own scripts: it is untrusted), streaming its output into the job's output.
 */
final class HookStep implements Step {

    @Override
    public String doing() {
        return "running the pre-run hook";
    }

    @Override
    public boolean applies(JobContext ctx) {
        return ctx.environment().hook().isPresent();
    }

    @Override
    public void run(JobContext ctx) throws StepFailure, InterruptedException {
        Environments.Hook hook = ctx.environment().hook().orElseThrow();
        String subject = "pre-run hook for environment '" + ctx.environment().name() + "'";
        ctx.out().runner("Running the " + subject);
        Map<String, String> variables = ChildEnvironment.inherited();
        variables.put(JobPipeline.JOB_TAG, ctx.job().id());
        ProcessSpec spec = ProcessSpec.builder(hook.command()).name(subject).workingDirectory(ctx.repo())
                .environment(variables).timeout(ctx.remaining(hook.timeout())).idleTimeout(ctx.settings().idleTimeout())
                .gracePeriod(ctx.settings().gracePeriod()).masker(ctx.masker()).build();
        ProcessExecution execution = ctx.launcher().start(spec,
                (stream, text, ts) -> ctx.out().accept(new OutputLine(ts, stream, OutputLine.Source.HOOK, text)));
        ctx.control().runningProcess(execution);
        ProcessResult r = execution.await();
        if (!r.isSuccess()) {
            FailureKind kind = switch (r.outcome()) {
                case TIMED_OUT -> FailureKind.TIMEOUT;
                case IDLE -> FailureKind.IDLE;
                case EXITED -> FailureKind.EXIT;
                default -> FailureKind.INTERNAL;
            };
            throw StepFailure.of(kind, JobContext.capitalize(r.describe(subject)));
        }
    }
}
