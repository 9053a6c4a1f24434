/**
 * Support for providers that run a coding-agent CLI: what every such provider needs and would
 * otherwise write again. {@link io.repobox.agent.cli.CliVersion} reads and compares the CLI's version;
 * {@link io.repobox.agent.cli.StateDirectory} keeps the CLI's state for one request outside the
 * repository. Together with {@link io.repobox.agent.process.Executables} (finding the CLI on the
 * child's PATH) they are public API, so that a provider outside this project is written the way the
 * bundled ones are, without reaching into {@code internal} packages.
 */
package io.repobox.agent.cli;
