/**
 * The agent API: what a runner or an embedding service uses to run a coding agent.
 *
 * <p>Find a provider with {@link io.repobox.agent.spi.AgentProviders}, create an
 * {@link io.repobox.agent.Agent} from an {@link io.repobox.agent.AgentConfig}, start an
 * {@link io.repobox.agent.AgentRequest} with an {@link io.repobox.agent.output.OutputSink}, and await or
 * cancel the {@link io.repobox.agent.AgentExecution}. Outcomes are {@link io.repobox.agent.AgentResult}
 * values, never exceptions.
 */
package io.repobox.agent;
