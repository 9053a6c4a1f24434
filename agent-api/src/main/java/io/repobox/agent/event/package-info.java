/**
 * The provider-neutral event model: every provider turns its CLI's output into
 * {@link io.repobox.agent.event.AgentEvent}s, and one {@link io.repobox.agent.event.EventRenderer}
 * turns those into the readable lines of the output stream, the same for every provider, while
 * keeping the facts the job record needs ({@link io.repobox.agent.event.SessionFacts}).
 */
package io.repobox.agent.event;
