package io.repobox.runner.sandbox;

import io.repobox.agent.Agent;
import io.repobox.runner.pipeline.JobContext;
import io.repobox.runner.pipeline.Step;
import io.repobox.runner.pipeline.StepFailure;
import java.io.IOException;

/**
 * Builds the job's sandbox after the clone and before anything of the repository runs: from here
 * on the hook and the agent start inside it (the job's launcher), and it is taken down when the job
 * ends. (The clone step has already held the clone to SANDBOX_MAX_WORKSPACE.)
 */
public final class SandboxStep implements Step {

    private final Sandbox sandbox;
    private final Agent agent;

    public SandboxStep(Sandbox sandbox, Agent agent) {
        this.sandbox = sandbox;
        this.agent = agent;
    }

    @Override
    public String doing() {
        return "building the sandbox";
    }

    @Override
    public boolean applies(JobContext ctx) {
        return sandbox.enabled();
    }

    @Override
    public void run(JobContext ctx) throws StepFailure, IOException {
        JobSandbox job = sandbox.forJob(ctx.job().id(), ctx.workspace(), ctx.repo(), sandbox.rules(agent.apiEndpoint(), ctx.environment()),
                line -> ctx.out().runner(line));
        ctx.closeAtEnd(job);
        ctx.launcher(job);
        // The CLI keeps its state (sessions, config) in HOME: the job's private one, the place the sandbox lets it write.
        ctx.agentEnvironment().put("HOME", job.home().toString());
        ctx.agentEnvironment().put("TMPDIR", job.tmp().toString());
    }
}
