package io.repobox.agent.cli;

import java.time.Duration;

/** What {@link CliAgent} reads of a provider's settings; a provider's settings record implements it. */
public interface CliSettings {

    /** The CLI to run: a name looked up on the child's PATH, or a path. */
    String cliPath();

    /** The oldest version (x.y.z) the provider supports. */
    String minVersion();

    /** How long the CLI's process tree gets between SIGTERM and SIGKILL. */
    Duration gracePeriod();

    /** The longest output line, in bytes; longer lines are split. */
    int maxLineBytes();
}
