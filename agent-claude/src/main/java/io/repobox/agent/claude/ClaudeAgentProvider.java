package io.repobox.agent.claude;

import io.repobox.agent.Agent;
import io.repobox.agent.AgentConfig;
import io.repobox.agent.Readiness;
import io.repobox.agent.cli.CliCheck;
import io.repobox.agent.spi.AgentProvider;
import java.util.List;
import java.util.Map;

/** Provider {@value #NAME}: the Claude Code CLI ({@code npm install -g @anthropic-ai/claude-code}). */
public final class ClaudeAgentProvider implements AgentProvider {

    public static final String NAME = "claude";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Claude Code CLI in print mode (stream-json rendered live)";
    }

    @Override
    public Agent create(AgentConfig config) {
        ClaudeSettings.of(config, Map.of()); // validates now rather than on the first job
        return new ClaudeAgent(config);
    }

    @Override
    public Readiness readiness(AgentConfig config) {
        ClaudeSettings settings = ClaudeSettings.of(config, Map.of());
        String credentials = settings.apiKey() != null ? "API key set" : settings.authToken() != null ? "auth token set"
                : "no " + config.settingName("api-key") + " (the CLI must be logged in)";
        return CliCheck.readiness(ClaudeAgent.TOOL, settings, config, credentials, "", List.of());
    }
}
