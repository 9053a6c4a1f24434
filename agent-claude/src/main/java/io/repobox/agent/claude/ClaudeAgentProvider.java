package io.repobox.agent.claude;

import io.repobox.agent.Agent;
import io.repobox.agent.AgentConfig;
import io.repobox.agent.Readiness;
import io.repobox.agent.process.Executables;
import io.repobox.agent.spi.AgentProvider;
import java.nio.file.Path;
import java.util.ArrayList;
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
        Map<String, String> env = config.environmentPolicy().inherited();
        Executables.Resolution found = Executables.resolve(settings.cliPath(), Path.of("").toAbsolutePath(), env);
        List<String> problems = new ArrayList<>();
        String credentials = settings.apiKey() != null ? "API key set" : settings.authToken() != null ? "auth token set"
                : "no ANTHROPIC_API_KEY (the CLI must be logged in)";
        if (found.path() == null) {
            problems.add(found.message() + "; " + ClaudeAgent.INSTALL_HINT);
            return Readiness.notReady("Claude Code CLI not found; " + credentials, problems);
        }
        ClaudeVersion version = ClaudeVersion.probe(found.path().toString(), env);
        if (version.version() == null) {
            problems.add(version.error());
        } else if (!ClaudeVersion.atLeast(version.version(), settings.minVersion())) {
            problems.add("claude " + version.version() + " is older than the supported minimum " + settings.minVersion()
                    + "; upgrade it with 'npm install -g @anthropic-ai/claude-code'");
        }
        String summary = "claude " + (version.version() == null ? "(version unknown)" : version.version()) + " at " + found.path()
                + "; " + credentials;
        return problems.isEmpty() ? Readiness.ready(summary) : Readiness.notReady(summary, problems);
    }
}
