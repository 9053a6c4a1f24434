package io.repobox.agent.codex;

import io.repobox.agent.Agent;
import io.repobox.agent.AgentConfig;
import io.repobox.agent.Readiness;
import io.repobox.agent.cli.CliCheck;
import io.repobox.agent.spi.AgentProvider;
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
        String credentials = settings.apiKey() != null ? "API key set" : "no " + config.settingName("api-key");
        List<String> problems = settings.apiKey() != null ? List.of()
                : List.of("set " + config.settingName("api-key") + ": the Codex CLI gets its key from it");
        return CliCheck.readiness(CodexAgent.TOOL, settings, config, credentials, "; model API " + settings.baseUrl(), problems);
    }
}
