package io.repobox.runner.pipeline;

import io.repobox.agent.Agent;
import io.repobox.agent.AgentExecution;
import io.repobox.agent.AgentRequest;
import io.repobox.agent.AgentResult;
import io.repobox.agent.output.Durations;
import io.repobox.agent.output.OutputLine;
import io.repobox.runner.job.FailureKind;
import java.time.Duration;

/**
 * Runs the agent in the clone for at most AI_TIMEOUT (and what is left of JOB_TIMEOUT), through the
 * job's launcher, with the job's secrets withheld from it and masked in its output. What the agent
 * reports (exit code, session, cost, …) goes into the final record, whether it succeeded or not.
 */
final class AgentStep implements Step {

    private final Agent agent;

    AgentStep(Agent agent) {
        this.agent = agent;
    }

    @Override
    public String doing() {
        return "running the agent";
    }

    @Override
    public void run(JobContext ctx) throws StepFailure, InterruptedException {
        Duration timeout = ctx.remaining(ctx.settings().aiTimeout());
        if (ctx.stopped()) {
            throw new StepFailure(FailureKind.TIMEOUT, "stopped");
        }
        ctx.sink().accept(OutputLine.runner("Running agent '" + ctx.settings().agentName() + "' (timeout " + Durations.format(timeout) + ")"));
        AgentRequest request = AgentRequest.builder(ctx.job().id(), ctx.repo()).prompt(ctx.job().prompt())
                .environmentName(ctx.environment().name()).timeout(timeout).idleTimeout(ctx.settings().idleTimeout()).secrets(ctx.secrets())
                .environment(ctx.agentEnvironment()).environment(JobPipeline.JOB_TAG, ctx.job().id()).launcher(ctx.launcher()).build();
        AgentExecution execution = agent.start(request, ctx.sink());
        ctx.control().running(execution::cancel);
        AgentResult result = execution.await();
        ctx.details().putAll(result.details());
        result.exitCode().ifPresent(code -> ctx.details().put("exit_code", Integer.toString(code)));
        if (!result.isSuccess()) {
            throw StepFailure.of(FailureKind.of(result.outcome()), result.message());
        }
        ctx.out().runner(result.message());
    }
}
