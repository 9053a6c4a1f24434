package io.repobox.agent.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ProcessEnvironmentTest {

    @Test
    void removesTheRunnersSecretsAndConfigurationAndKeepsTheRest() {
        Map<String, String> runner = Map.ofEntries(
                Map.entry("PATH", "/usr/bin"), Map.entry("HOME", "/home/r"), Map.entry("HTTPS_PROXY", "http://proxy:3128"),
                Map.entry("ANTHROPIC_BASE_URL", "http://127.0.0.1:9"), Map.entry("LANG", "C.UTF-8"),
                Map.entry("ENCRYPTION_KEY", "k"), Map.entry("REDIS_URL", "redis://:pw@h"), Map.entry("REDIS_PASSWORD", "pw"),
                Map.entry("ANTHROPIC_API_KEY", "sk"), Map.entry("AI_CLI_PATH", "claude"), Map.entry("RUNNER_ID", "r1"),
                Map.entry("GITLAB_TOKEN", "t"), Map.entry("GH_TOKEN", "t"), Map.entry("AWS_SECRET_ACCESS_KEY", "s"),
                Map.entry("DB_PASSWORD", "p"), Map.entry("SSH_KEY", "k"), Map.entry("OPENAI_API_KEY", "k"),
                Map.entry("REPOBOX_EXECUTION_MARKER", "m"), Map.entry("MAX_JOBS_PER_USER", "3"), Map.entry("TEMP_DIR", "/t"));

        assertThat(ProcessEnvironment.filter(runner)).containsOnlyKeys("PATH", "HOME", "HTTPS_PROXY", "ANTHROPIC_BASE_URL", "LANG");
    }

    @Test
    void keepsNamesThatOnlyResembleSecrets() {
        assertThat(ProcessEnvironment.isPrivate("KEYBOARD_LAYOUT")).isFalse();
        assertThat(ProcessEnvironment.isPrivate("MONKEY")).isFalse();
        assertThat(ProcessEnvironment.isPrivate("SSH_AUTH_SOCK")).isFalse();
        assertThat(ProcessEnvironment.isPrivate("NPM_TOKEN")).isTrue();
    }
}
