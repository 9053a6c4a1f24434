package io.repobox.agent.codex;

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

/** Provider {@value #NAME}: the OpenAI Codex CLI ({@code npm install -g @openai/codex}). */
public final class CodexAgentProvider implements AgentProvider {

    public static final String NAME = "codex";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "OpenAI Codex CLI (codex exec --json rendered live)";
    }

    @Override
    public Agent create(AgentConfig config) {
        CodexSettings.of(config, Map.of()); // validates now rather than on the first job
        return new CodexAgent(config);
    }

    @Override
    public Readiness readiness(AgentConfig config) {
        CodexSettings settings;
        try {
            settings = CodexSettings.of(config, Map.of());
        } catch (RuntimeException e) {
            return Readiness.notReady("codex settings are invalid", List.of(e.getMessage()));
        }
        Executables.Resolution found = Executables.resolve(settings.cliPath(), Path.of("").toAbsolutePath(), config.environmentPolicy().inherited());
        List<String> problems = new ArrayList<>();
        String credentials = settings.apiKey() != null ? "API key set" : "no OPENAI_API_KEY or CODEX_API_KEY";
        if (settings.apiKey() == null) {
            problems.add("set OPENAI_API_KEY (or CODEX_API_KEY) for the runner: the Codex CLI gets its key from it");
        }
        if (found.path() == null) {
            problems.add(found.message() + "; " + CodexAgent.INSTALL_HINT);
            return Readiness.notReady("Codex CLI not found; " + credentials, problems);
        }
        CliVersion version = CliVersion.probe(found.path().toString(), config.environmentPolicy().inherited());
        if (version.version() == null) {
            problems.add(version.error());
        } else if (!CliVersion.atLeast(version.version(), settings.minVersion())) {
            problems.add("codex " + version.version() + " is older than the supported minimum " + settings.minVersion() + "; "
                    + CodexAgent.UPGRADE_HINT);
        }
        String summary = "codex " + (version.version() == null ? "(version unknown)" : version.version()) + " at " + found.path() + "; "
                + credentials + "; model API " + settings.baseUrl();
        return problems.isEmpty() ? Readiness.ready(summary) : Readiness.notReady(summary, problems);
    }
}
