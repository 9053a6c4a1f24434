package io.repobox.agent.gemini;

import io.repobox.agent.Agent;
import io.repobox.agent.AgentConfig;
import io.repobox.agent.Readiness;
import io.repobox.agent.cli.CliVersion;
import io.repobox.agent.process.Executables;
import io.repobox.agent.spi.AgentProvider;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Provider {@value #NAME}: the Google Gemini CLI ({@code npm install -g @google/gemini-cli}). */
public final class GeminiAgentProvider implements AgentProvider {

    public static final String NAME = "gemini";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Google Gemini CLI (stream-json rendered live)";
    }

    @Override
    public Agent create(AgentConfig config) {
        GeminiSettings.of(config, Map.of()); // validates now rather than on the first job
        return new GeminiAgent(config);
    }

    @Override
    public Readiness readiness(AgentConfig config) {
        GeminiSettings settings;
        try {
            settings = GeminiSettings.of(config, Map.of());
        } catch (RuntimeException e) {
            return Readiness.notReady("gemini settings are invalid", List.of(e.getMessage()));
        }
        Executables.Resolution found = Executables.resolve(settings.cliPath(), Path.of("").toAbsolutePath(), config.environmentPolicy().inherited());
        List<String> problems = new ArrayList<>();
        String credentials = settings.apiKey() != null ? "API key set" : "no GEMINI_API_KEY";
        if (settings.apiKey() == null) {
            problems.add("set GEMINI_API_KEY for the runner: the Gemini CLI gets its key from it");
        }
        if (found.path() == null) {
            problems.add(found.message() + "; " + GeminiAgent.INSTALL_HINT);
            return Readiness.notReady("Gemini CLI not found; " + credentials, problems);
        }
        CliVersion version = CliVersion.probe(found.path().toString(), config.environmentPolicy().inherited());
        if (version.version() == null) {
            problems.add(version.error());
        } else if (!CliVersion.atLeast(version.version(), settings.minVersion())) {
            problems.add("gemini " + version.version() + " is older than the supported minimum " + settings.minVersion() + "; "
                    + GeminiAgent.UPGRADE_HINT);
        }
        String summary = "gemini " + (version.version() == null ? "(version unknown)" : version.version()) + " at " + found.path() + "; "
                + credentials + "; model API " + settings.baseUrl();
        return problems.isEmpty() ? Readiness.ready(summary) : Readiness.notReady(summary, problems);
    }
}
