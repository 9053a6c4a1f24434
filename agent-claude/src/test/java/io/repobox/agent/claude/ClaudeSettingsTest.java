package io.repobox.agent.claude;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.repobox.agent.AgentConfig;
import io.repobox.agent.AgentConfigException;
import io.repobox.agent.AgentRequest;
import io.repobox.agent.cli.CliVersion;
import io.repobox.agent.spi.AgentProviders;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClaudeSettingsTest {

    @Test
    void isRegisteredWithServiceLoader() {
        assertThat(AgentProviders.load().get("claude")).isInstanceOf(ClaudeAgentProvider.class);
    }

    @Test
    void defaultsToPrintModeStreamJsonAndAcceptEdits() {
        assertThat(ClaudeSettings.of(AgentConfig.empty(), Map.of()).command())
                .containsExactly("claude", "--print", "--output-format=stream-json", "--verbose", "--permission-mode=acceptEdits");
    }

    @Test
    void theApiEndpointIsTheConfiguredBaseUrlGivenToTheCliOrThePublicOne() {
        assertThat(new ClaudeAgentProvider().create(AgentConfig.empty()).apiEndpoint())
                .contains(java.net.URI.create("https://api.anthropic.com"));
        ClaudeSettings s = ClaudeSettings.of(AgentConfig.of(Map.of("base-url", "http://127.0.0.1:8089")), Map.of());
        AgentRequest request = AgentRequest.builder("job-1", Path.of("/repo")).build();

        assertThat(new ClaudeAgentProvider().create(AgentConfig.of(Map.of("base-url", "http://127.0.0.1:8089"))).apiEndpoint())
                .contains(java.net.URI.create("http://127.0.0.1:8089"));
        assertThat(ClaudeAgent.environment(s, request, Map.of("PATH", "/bin"))).containsEntry("ANTHROPIC_BASE_URL", "http://127.0.0.1:8089");
    }

    @Test
    void mapsEveryOptionToAFlagWhoseValueCannotBeReadAsAFlag() {
        ClaudeSettings s = ClaudeSettings.of(AgentConfig.of(Map.of("cli-path", "/opt/claude", "model", "-opus", "max-turns", "7",
                "append-system-prompt", "--be brief", "allowed-tools", "Read, Bash(git:*)", "disallowed-tools", "WebFetch",
                "extra-args", "--add-dir /data", "output-format", "text", "permission-mode", "bypassPermissions")), Map.of());

        assertThat(s.command()).containsExactly("/opt/claude", "--print", "--output-format=text", "--permission-mode=bypassPermissions",
                "--model=-opus", "--max-turns=7", "--append-system-prompt=--be brief", "--add-dir", "/data",
                "--allowedTools=Read,Bash(git:*)", "--disallowedTools=WebFetch");
    }

    @Test
    void aRequestMayChooseTheModelButNotTheExecutableOrTheKey() {
        ClaudeSettings s = ClaudeSettings.of(AgentConfig.of(Map.of("cli-path", "claude", "api-key", "sk-runner")),
                Map.of("model", "haiku", "cli-path", "/tmp/evil", "api-key", "sk-job", "max-turns", "3"));

        assertThat(s.model()).isEqualTo("haiku");
        assertThat(s.maxTurns()).isEqualTo(3);
        assertThat(s.cliPath()).isEqualTo("claude");
        assertThat(s.apiKey()).isEqualTo("sk-runner");
    }

    @Test
    void rejectsAnUnknownOutputFormatAndABadMaxTurns() {
        assertThatThrownBy(() -> ClaudeSettings.of(AgentConfig.of(Map.of("output-format", "json")), Map.of()))
                .isInstanceOf(AgentConfigException.class).hasMessage("claude option 'output-format' must be text or stream-json, got 'json'");
        assertThatThrownBy(() -> ClaudeSettings.of(AgentConfig.of(Map.of("max-turns", "0")), Map.of()))
                .hasMessage("claude option 'max-turns' must be at least 1, got 0");
    }

    @Test
    void theEnvironmentDropsClaudecodeAndCarriesTheKeyOnlyThere() {
        ClaudeSettings s = ClaudeSettings.of(AgentConfig.of(Map.of("api-key", "sk-ant-123")), Map.of());
        AgentRequest request = AgentRequest.builder("j", Path.of("/repo")).environment("JOB_VAR", "1").build();

        Map<String, String> env = ClaudeAgent.environment(s, request, Map.of("PATH", "/usr/bin", "CLAUDECODE", "1",
                "CLAUDE_CODE_ENTRYPOINT", "cli", "HTTPS_PROXY", "http://proxy"));

        assertThat(env).containsOnly(Map.entry("PATH", "/usr/bin"), Map.entry("HTTPS_PROXY", "http://proxy"),
                Map.entry("DISABLE_AUTOUPDATER", "1"), Map.entry("JOB_VAR", "1"), Map.entry("ANTHROPIC_API_KEY", "sk-ant-123"));
        assertThat(s.command()).noneMatch(a -> a.contains("sk-ant-123"));
    }

    @Test
    void comparesVersions() {
        assertThat(CliVersion.atLeast("2.1.110", "1.0.0")).isTrue();
        assertThat(CliVersion.atLeast("1.0.0", "1.0.0")).isTrue();
        assertThat(CliVersion.atLeast("0.2.9", "1.0.0")).isFalse();
        assertThat(CliVersion.atLeast("1.10.0", "1.9.3")).isTrue();
    }
}
