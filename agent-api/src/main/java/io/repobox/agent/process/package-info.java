/**
 * The process core: one implementation of running a child process, used by every agent provider,
 * the git steps and the environment hooks. Start with {@link io.repobox.agent.process.ProcessRunner}.
 */
package io.repobox.agent.process;
