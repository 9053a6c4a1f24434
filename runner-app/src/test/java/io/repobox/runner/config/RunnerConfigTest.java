package io.repobox.runner.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunnerConfigTest {

    @Test
    void defaultsFollowTheContract() {
        RunnerConfig config = RunnerConfig.of(Map.of());
        assertThat(config.agentName()).isEqualTo("claude");
        assertThat(config.aiTimeout()).isEqualTo(Duration.ofSeconds(1800));
        assertThat(config.jobTimeout()).isEqualTo(Duration.ofSeconds(3600));
        assertThat(config.agentConfig().keys()).isEmpty();
    }

    @Test
    void aiEnabledFalseSelectsTheFakeAgentWhateverTheProvider() {
        assertThat(RunnerConfig.of(Map.of("AI_ENABLED", "false", "AI_PROVIDER", "claude")).agentName()).isEqualTo("fake");
        assertThat(RunnerConfig.of(Map.of("AI_PROVIDER", "other")).agentName()).isEqualTo("other");
    }

    @Test
    void mapsTheAgentVariablesOntoProviderKeysInOnePlace() {
        RunnerConfig config = RunnerConfig.of(Map.of("AI_CLI_PATH", "/opt/claude", "AI_MODEL", "sonnet",
                "ANTHROPIC_API_KEY", "sk-ant-xyz", "AI_ALLOWED_TOOLS", "Read,Write", "UNRELATED", "x"));
        assertThat(config.agentConfig().asMap()).containsOnly(Map.entry("cli-path", "/opt/claude"), Map.entry("model", "sonnet"),
                Map.entry("api-key", "sk-ant-xyz"), Map.entry("allowed-tools", "Read,Write"));
        assertThat(config.secrets()).containsExactly("sk-ant-xyz");
    }

    @Test
    void eachProviderGetsItsOwnKeyOnlyAndEveryKeyIsMasked() {
        RunnerConfig config = RunnerConfig.of(Map.of("AI_PROVIDER", "codex", "ANTHROPIC_API_KEY", "sk-ant-1", "OPENAI_API_KEY", "sk-openai-2",
                "GEMINI_API_KEY", "gem-3", "AI_MAX_COST_USD", "1.50"));

        assertThat(config.agentConfig().asMap()).containsOnly(Map.entry("api-key", "sk-openai-2"), Map.entry("max-cost-usd", "1.50"));
        assertThat(config.agentConfig("gemini").getString("api-key")).hasValue("gem-3");
        assertThat(config.agentConfig("claude").getString("api-key")).hasValue("sk-ant-1");
        assertThat(config.agentConfig("fake").getString("api-key")).isEmpty();
        assertThat(RunnerConfig.of(Map.of("AI_PROVIDER", "codex", "OPENAI_API_KEY", "o", "CODEX_API_KEY", "c")).agentConfig()
                .getString("api-key")).hasValue("c");
        assertThat(config.secrets()).contains("sk-ant-1", "sk-openai-2", "gem-3");
    }

    @Test
    void malformedValuesNameTheVariable() {
        assertThatThrownBy(() -> RunnerConfig.of(Map.of("AI_TIMEOUT", "soon")).aiTimeout()).isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("AI_TIMEOUT: 'soon' is not a duration");
        assertThatThrownBy(() -> RunnerConfig.of(Map.of("JOB_TIMEOUT", "0")).jobTimeout())
                .hasMessage("JOB_TIMEOUT must be longer than zero, got '0'");
        assertThatThrownBy(() -> RunnerConfig.of(Map.of("AI_ENABLED", "maybe")).agentName())
                .hasMessage("AI_ENABLED must be true or false, got 'maybe'");
    }

    @Test
    void aiIdleTimeoutDefaultsToTenMinutesAndZeroOrOffTurnsItOff() {
        assertThat(RunnerConfig.of(Map.of()).aiIdleTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(RunnerConfig.of(Map.of("AI_IDLE_TIMEOUT", "90")).aiIdleTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(RunnerConfig.of(Map.of("AI_IDLE_TIMEOUT", "0")).aiIdleTimeout()).isNull();
        assertThat(RunnerConfig.of(Map.of("AI_IDLE_TIMEOUT", "off")).aiIdleTimeout()).isNull();
    }
}
