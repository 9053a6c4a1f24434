package io.repobox.agent.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvironmentPolicyTest {

    private static final Map<String, String> HOST = Map.ofEntries(
            Map.entry("PATH", "/usr/bin"), Map.entry("HOME", "/home/r"), Map.entry("HTTPS_PROXY", "http://proxy:3128"),
            Map.entry("ANTHROPIC_BASE_URL", "http://127.0.0.1:9"), Map.entry("LANG", "C.UTF-8"),
            Map.entry("ENCRYPTION_KEY", "k"), Map.entry("REDIS_URL", "redis://:pw@h"), Map.entry("REDIS_PASSWORD", "pw"),
            Map.entry("ANTHROPIC_API_KEY", "sk"), Map.entry("AI_CLI_PATH", "claude"), Map.entry("RUNNER_ID", "r1"),
            Map.entry("GITLAB_TOKEN", "t"), Map.entry("GH_TOKEN", "t"), Map.entry("AWS_SECRET_ACCESS_KEY", "s"),
            Map.entry("DB_PASSWORD", "p"), Map.entry("SSH_KEY", "k"), Map.entry("OPENAI_API_KEY", "k"),
            Map.entry("REPOBOX_EXECUTION_MARKER", "m"), Map.entry("MAX_JOBS_PER_USER", "3"), Map.entry("TEMP_DIR", "/t"));

    @Test
    void byDefaultWithholdsOnlyNamesThatSaySecret() {
        assertThat(EnvironmentPolicy.secretsWithheld().filter(HOST)).containsOnlyKeys("PATH", "HOME", "HTTPS_PROXY", "ANTHROPIC_BASE_URL",
                "LANG", "REDIS_URL", "AI_CLI_PATH", "RUNNER_ID", "REPOBOX_EXECUTION_MARKER", "MAX_JOBS_PER_USER", "TEMP_DIR");
    }

    @Test
    void withholdsTheNamesAndPrefixesTheCallerGivesInAnyCase() {
        EnvironmentPolicy policy = EnvironmentPolicy.secretsWithheld().withholding(List.of("redis_url", "RUNNER_ID", "TEMP_DIR"))
                .withholding("MAX_JOBS_PER_USER").withholdingPrefixes("ai_", "REPOBOX_");

        assertThat(policy.filter(HOST)).containsOnlyKeys("PATH", "HOME", "HTTPS_PROXY", "ANTHROPIC_BASE_URL", "LANG");
        assertThat(policy.withholds("Redis_Url")).isTrue();
        assertThat(policy.withholds("AI_ANYTHING_NEW")).isTrue();
        assertThat(policy.withholds("RUNNER_IDENTITY")).as("names are exact, prefixes are prefixes").isFalse();
    }

    @Test
    void isAValueThatCallersCannotChangeUnderEachOther() {
        EnvironmentPolicy base = EnvironmentPolicy.secretsWithheld();
        EnvironmentPolicy runner = base.withholding("RUNNER_ID");

        assertThat(base.withholds("RUNNER_ID")).isFalse();
        assertThat(runner).isEqualTo(EnvironmentPolicy.secretsWithheld().withholding("runner_id")).isNotEqualTo(base);
        assertThat(runner.filter(HOST)).isNotSameAs(runner.filter(HOST)).doesNotContainKey("RUNNER_ID");
    }

    @Test
    void refusesAnEmptyPrefixThatWouldWithholdEverything() {
        assertThatThrownBy(() -> EnvironmentPolicy.secretsWithheld().withholdingPrefixes(""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("an empty name or prefix would withhold every variable");
    }

    @Test
    void keepsNamesThatOnlyResembleSecrets() {
        EnvironmentPolicy policy = EnvironmentPolicy.secretsWithheld();
        assertThat(policy.withholds("KEYBOARD_LAYOUT")).isFalse();
        assertThat(policy.withholds("MONKEY")).isFalse();
        assertThat(policy.withholds("SSH_AUTH_SOCK")).isFalse();
        assertThat(policy.withholds("NPM_TOKEN")).isTrue();
    }
}
