/**
 * "Run a coding-agent CLI as an agent", written once. {@link io.repobox.agent.cli.CliAgent} is the
 * base the bundled providers extend: a provider gives its settings, environment, arguments and its
 * reading of the CLI's output, and the base does the rest the same way for all (finding and
 * version-checking the CLI with {@link io.repobox.agent.cli.CliCheck}, the environment from the
 * caller's policy, the state kept outside the repository in a
 * {@link io.repobox.agent.cli.StateDirectory}, the start through the request's launcher, masking).
 * These types are public API, so that a provider outside this project is written the way the
 * bundled ones are, without reaching into {@code internal} packages.
 */
package io.repobox.agent.cli;
