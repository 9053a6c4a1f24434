/**
 * The output vocabulary every other package of the agent API shares: an
 * {@link io.repobox.agent.output.OutputLine} and the {@link io.repobox.agent.output.OutputSink} it goes
 * to, the {@link io.repobox.agent.output.SecretMasker} applied to every line, and
 * {@link io.repobox.agent.output.Durations} as people write and read them. It depends on nothing of
 * the project, so that the process core, the event model and the agent API above them can all use it.
 */
package io.repobox.agent.output;
