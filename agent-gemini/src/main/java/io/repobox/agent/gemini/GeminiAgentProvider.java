package io.repobox.agent.gemini;

import io.repobox.agent.Agent;
import io.repobox.agent.AgentConfig;
import io.repobox.agent.Readiness;
import io.repobox.agent.cli.CliCheck;
import io.repobox.agent.spi.AgentProvider;
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
        String credentials = settings.apiKey() != null ? "API key set" : "no " + config.settingName("api-key");
        List<String> problems = settings.apiKey() != null ? List.of()
                : List.of("set " + config.settingName("api-key") + ": the Gemini CLI gets its key from it");
        return CliCheck.readiness(GeminiAgent.TOOL, settings, config, credentials, "; model API " + settings.baseUrl(), problems);
    }
}
