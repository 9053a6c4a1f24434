/**
 * The process core: one implementation of running a child process, used by every agent provider,
 * the git steps and the environment hooks. Start with {@link io.repobox.agent.process.ProcessRunner};
 * an {@link io.repobox.agent.process.EnvironmentPolicy} says what of the host's environment a child
 * inherits, and {@link io.repobox.agent.process.Executables} finds a program the way the start will.
 */
package io.repobox.agent.process;
