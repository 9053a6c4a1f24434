package io.repobox.runner.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunnerConfigTest {

    @TempDir
    Path dir;

    @Test
    void defaultsFollowTheContract() {
        RunnerConfig config = RunnerConfig.of(Map.of());
        assertThat(config.agentName()).isEqualTo("claude");
        assertThat(config.aiTimeout()).isEqualTo(Duration.ofSeconds(1800));
        assertThat(config.jobTimeout()).isEqualTo(Duration.ofSeconds(3600));
        assertThat(config.agentConfig().keys()).isEmpty();
        assertThat(config.redisUrl()).isNull();
        assertThat(config.redisUrlOrDefault()).isEqualTo("redis://localhost:6379");
        assertThat(config.runnerId()).startsWith("runner-");
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
    void theProviderLearnsWhatChildrenMustNotInheritAndHowToNameEachSettingToTheOperator() {
        RunnerConfig config = RunnerConfig.of(Map.of("AI_PROVIDER", "codex"));

        assertThat(config.agentConfig().environmentPolicy()).isEqualTo(ChildEnvironment.POLICY);
        assertThat(config.agentConfig().settingName("cli-path")).isEqualTo("AI_CLI_PATH");
        assertThat(config.agentConfig().settingName("api-key")).isEqualTo("OPENAI_API_KEY or CODEX_API_KEY");
        assertThat(config.agentConfig("claude").settingName("api-key")).isEqualTo("ANTHROPIC_API_KEY");
        assertThat(config.agentConfig("fake").settingName("lines")).isEqualTo("'lines'");
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
    void aiIdleTimeoutDefaultsToTenMinutesAndZeroOrOffTurnsItOff() {
        assertThat(RunnerConfig.of(Map.of()).aiIdleTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(RunnerConfig.of(Map.of("AI_IDLE_TIMEOUT", "90")).aiIdleTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(RunnerConfig.of(Map.of("AI_IDLE_TIMEOUT", "0")).aiIdleTimeout()).isNull();
        assertThat(RunnerConfig.of(Map.of("AI_IDLE_TIMEOUT", "off")).aiIdleTimeout()).isNull();
    }

    @Test
    void malformedValuesAreFoundWhenTheSettingsAreBuiltAndNameTheVariable() {
        assertThatThrownBy(() -> RunnerConfig.of(Map.of("AI_TIMEOUT", "soon"))).isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("AI_TIMEOUT: 'soon' is not a duration");
        assertThatThrownBy(() -> RunnerConfig.of(Map.of("JOB_TIMEOUT", "0"))).hasMessage("JOB_TIMEOUT must be longer than zero, got '0'");
        assertThatThrownBy(() -> RunnerConfig.of(Map.of("AI_ENABLED", "maybe"))).hasMessage("AI_ENABLED must be true or false, got 'maybe'");
    }

    @Test
    void everyProblemIsReportedAtOnceAndAFlagIsNamedAsTheUserTypedIt() {
        assertThatThrownBy(() -> RunnerConfig.of(Map.of("AI_ENABLED", "maybe", "MAX_JOBS_PER_USER", "0", "RUNNER_ID", "a b"),
                Map.of("JOB_TIMEOUT", new Settings.Flag("--job-timeout", "soon"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("4 settings need fixing:\n  - ")
                .hasMessageContaining("  - AI_ENABLED must be true or false, got 'maybe'")
                .hasMessageContaining("  - --job-timeout: 'soon' is not a duration")
                .hasMessageContaining("  - MAX_JOBS_PER_USER must be a whole number of at least 1, got '0'")
                .hasMessageContaining("  - RUNNER_ID must be letters, digits, '.', '_', ':' or '-', got 'a b'");
    }

    @Test
    void flagsOverrideTheEnvironment() {
        RunnerConfig config = RunnerConfig.of(Map.of("JOB_TIMEOUT", "10", "AI_MODEL", "a"),
                Map.of("JOB_TIMEOUT", new Settings.Flag("--job-timeout", "20s"), "AI_MODEL", new Settings.Flag("--model", "b")));
        assertThat(config.jobTimeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(config.agentConfig().asMap()).containsEntry("model", "b");
    }

    @Test
    void unknownNamesAndSecretsAreRefusedAsFlags() {
        assertThatThrownBy(() -> RunnerConfig.of(Map.of(), Map.of("AI_TIMOUT", new Settings.Flag("--set AI_TIMOUT", "3"))))
                .hasMessage("--set AI_TIMOUT: no setting is named AI_TIMOUT (see docs/configuration.md for the names)");
        assertThatThrownBy(() -> RunnerConfig.of(Map.of(), Map.of("ENCRYPTION_KEY", new Settings.Flag("--set ENCRYPTION_KEY", "k"))))
                .hasMessage("--set ENCRYPTION_KEY: a secret on the command line is visible to every local user in the process list; "
                        + "set ENCRYPTION_KEY or ENCRYPTION_KEY_FILE (a file holding the value) instead");
        assertThatThrownBy(() -> RunnerConfig.of(Map.of(), Map.of("REDIS_URL", new Settings.Flag("--redis-url", "redis://:pw@h:1"))))
                .hasMessageStartingWith("--redis-url: a secret on the command line");
        assertThat(RunnerConfig.of(Map.of(), Map.of("REDIS_URL", new Settings.Flag("--redis-url", "redis://h:1"))).redisUrl())
                .isEqualTo("redis://h:1");
    }

    @Test
    void secretsCanComeFromFiles() throws Exception {
        Path key = Files.writeString(dir.resolve("key"), "k".repeat(32) + "\n");
        Path api = Files.writeString(dir.resolve("api"), "sk-ant-from-file");
        Path pw = Files.writeString(dir.resolve("pw"), "p@ss word\n");
        RunnerConfig config = RunnerConfig.of(Map.of("ENCRYPTION_KEY_FILE", key.toString(), "ANTHROPIC_API_KEY_FILE", api.toString(),
                "REDIS_URL", "redis://redis.example:6380/0", "REDIS_PASSWORD_FILE", pw.toString()));
        assertThat(config.encryptionKey()).isEqualTo("k".repeat(32));
        assertThat(config.agentConfig().asMap()).containsEntry("api-key", "sk-ant-from-file");
        assertThat(config.redisUrl()).isEqualTo("redis://:p%40ss%20word@redis.example:6380/0");
        assertThat(config.secrets()).contains("k".repeat(32), "sk-ant-from-file", "p@ss word");
    }

    @Test
    void redisPasswordAppliesToTheDefaultUrlButNotOverOneInTheUrl() {
        assertThat(RunnerConfig.of(Map.of("REDIS_PASSWORD", "pw")).redisUrlOrDefault()).isEqualTo("redis://:pw@localhost:6379");
        assertThat(RunnerConfig.of(Map.of("REDIS_PASSWORD", "pw")).redisUrl()).as("run still starts its own Redis").isNull();
        assertThat(RunnerConfig.of(Map.of("REDIS_PASSWORD", "pw", "REDIS_URL", "redis://u:mine@h:1")).redisUrl())
                .isEqualTo("redis://u:mine@h:1");
    }

    @Test
    void fileFormsThatCannotBeUsedAreReported() {
        assertThatThrownBy(() -> RunnerConfig.of(Map.of("ENCRYPTION_KEY", "a", "ENCRYPTION_KEY_FILE", "/x")))
                .hasMessage("ENCRYPTION_KEY and ENCRYPTION_KEY_FILE are both set; set only one");
        assertThatThrownBy(() -> RunnerConfig.of(Map.of("REDIS_PASSWORD_FILE", dir.resolve("missing").toString())))
                .hasMessageStartingWith("REDIS_PASSWORD_FILE: cannot read " + dir.resolve("missing"));
    }

    @Test
    void malformedRedisUrlsAreUsageErrors() {
        assertThatThrownBy(() -> RunnerConfig.of(Map.of("REDIS_URL", "redis://localhost:port")))
                .hasMessageStartingWith("REDIS_URL ");
        assertThatThrownBy(() -> RunnerConfig.of(Map.of("REDIS_URL", "http://localhost:6379")))
                .hasMessage("REDIS_URL must start with redis://, rediss://, redis-sentinel://, redis-cluster:// or redis-socket://, "
                        + "got 'http://localhost:6379'");
        assertThat(RunnerConfig.of(Map.of("REDIS_URL", "redis-cluster://a:1,b:2", "REDIS_PASSWORD", "pw")).redisUrl())
                .isEqualTo("redis-cluster://:pw@a:1,b:2");
        assertThatThrownBy(() -> RunnerConfig.of(Map.of(), Map.of("REDIS_URL", new Settings.Flag("--redis-url", "redis://h:99999999999"))))
                .hasMessageStartingWith("--redis-url ");
    }
}
