package io.repobox.agent.cli;

import io.repobox.agent.AgentConfig;
import io.repobox.agent.Readiness;
import io.repobox.agent.process.Executables;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Whether a provider's CLI is there and recent enough: found the way the start will find it (on the
 * child's PATH), {@code --version} read, compared with the provider's minimum. Providers run it on the
 * first request ({@link CliAgent}) and in their readiness check.
 *
 * @param path    the CLI's file, or null when it was not found
 * @param version the version it printed, or null when it could not be read
 * @param problem what is wrong and what to do, or null when the CLI can be used
 */
public record CliCheck(Path path, String version, String problem) {

    /**
     * Checks {@code settings.cliPath()} against {@code environment} (the CLI's own) from {@code workingDirectory};
     * {@code config} names the settings in the messages.
     */
    public static CliCheck of(CliTool tool, CliSettings settings, AgentConfig config, Path workingDirectory, Map<String, String> environment) {
        Executables.Resolution found = Executables.resolve(settings.cliPath(), workingDirectory, environment);
        if (found.path() == null) {
            return new CliCheck(null, null, found.message() + " (" + tool.installHint(config) + ")");
        }
        CliVersion version = CliVersion.probe(found.path().toString(), environment);
        if (version.version() == null) {
            return new CliCheck(found.path(), null, version.error());
        }
        if (!CliVersion.atLeast(version.version(), settings.minVersion())) {
            return new CliCheck(found.path(), version.version(), tool.command() + " " + version.version() + " at " + found.path()
                    + " is older than the supported minimum " + settings.minVersion() + "; " + tool.upgradeHint());
        }
        return new CliCheck(found.path(), version.version(), null);
    }

    /** Whether the CLI can be used. */
    public boolean usable() {
        return problem == null;
    }

    /**
     * A provider's readiness: this check of the CLI, run in the host's environment without what
     * {@code config} withholds, with the provider's own findings.
     *
     * @param credentials   what the provider knows of its credentials ("API key set")
     * @param facts         more to report after the credentials ("; model API …"), or empty
     * @param otherProblems problems the provider found itself (a missing key); may be empty
     */
    public static Readiness readiness(CliTool tool, CliSettings settings, AgentConfig config, String credentials, String facts,
                                      List<String> otherProblems) {
        CliCheck check = of(tool, settings, config, Path.of("").toAbsolutePath(), config.environmentPolicy().inherited());
        List<String> problems = new ArrayList<>(otherProblems);
        if (check.path() == null) {
            problems.add(check.problem());
            return Readiness.notReady(tool.title() + " not found; " + credentials, problems);
        }
        if (!check.usable()) {
            problems.add(check.problem());
        }
        String summary = tool.command() + " " + (check.version() == null ? "(version unknown)" : check.version()) + " at " + check.path()
                + "; " + credentials + facts;
        return problems.isEmpty() ? Readiness.ready(summary) : Readiness.notReady(summary, problems);
    }
}
