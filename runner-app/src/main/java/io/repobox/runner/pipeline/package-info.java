/**
 * One job as a pipeline of named steps over a {@link io.repobox.runner.pipeline.JobContext}.
 *
 * <p>{@link io.repobox.runner.pipeline.JobPipeline} runs {@code WorkspaceStep → CloneStep →
 * SandboxStep (when the runner has a sandbox) → HookStep → AgentStep → CommitStep → PushStep} and then {@code JobFinish}, which writes the one
 * final record. To change what a job does, change or add one step:
 * <ul>
 *   <li>How the untrusted processes (hook, agent) start: set {@link
 *       io.repobox.runner.pipeline.JobContext#launcher(io.repobox.agent.process.ProcessLauncher)}
 *       in a step before them (it is {@code ProcessLauncher.direct()} until then).</li>
 *   <li>Git mechanics (clone, commit, push): {@code CloneStep}, {@code CommitStep}, {@code PushStep}
 *       and {@link io.repobox.runner.pipeline.JobContext#git}.</li>
 *   <li>Observing steps (metrics, timings): a {@link io.repobox.runner.pipeline.StepListener} through
 *       {@link io.repobox.runner.pipeline.JobPipeline#withListener}.</li>
 * </ul>
 * A step fails with a {@link io.repobox.runner.pipeline.StepFailure} carrying its own message and
 * failure kind; a stop from outside (cancel, JOB_TIMEOUT, shutdown) is reported by the pipeline.
 */
package io.repobox.runner.pipeline;
