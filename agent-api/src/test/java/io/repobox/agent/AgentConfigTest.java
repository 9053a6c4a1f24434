package io.repobox.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.repobox.agent.process.EnvironmentPolicy;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentConfigTest {

    private final AgentConfig config = AgentConfig.of(Map.of("model", " sonnet ", "max-turns", "12", "timeout", "10m",
            "blank", "  ", "verbose", "yes", "tools", "Read, Write,,Bash ", "bad-int", "twelve", "bad-bool", "maybe"));

    @Test
    void typedGettersReadTheValues() {
        assertThat(config.getString("model")).hasValue("sonnet");
        assertThat(config.getInt("max-turns", 5)).isEqualTo(12);
        assertThat(config.getDuration("timeout", Duration.ZERO)).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.getBoolean("verbose", false)).isTrue();
        assertThat(config.getList("tools")).containsExactly("Read", "Write", "Bash");
    }

    @Test
    void blankAndAbsentValuesTakeTheDefault() {
        assertThat(config.getString("blank")).isEmpty();
        assertThat(config.getString("absent", "dflt")).isEqualTo("dflt");
        assertThat(config.getInt("blank", 7)).isEqualTo(7);
        assertThat(config.getList("absent")).isEmpty();
    }

    @Test
    void malformedValuesNameTheKeyAndTheValue() {
        assertThatThrownBy(() -> config.getInt("bad-int", 1)).isInstanceOf(AgentConfigException.class)
                .hasMessage("configuration 'max-turns' must be a whole number, got 'twelve'".replace("max-turns", "bad-int"));
        assertThatThrownBy(() -> config.getBoolean("bad-bool", false)).isInstanceOf(AgentConfigException.class)
                .hasMessage("configuration 'bad-bool' must be true or false, got 'maybe'");
        assertThatThrownBy(() -> config.getDuration("model", Duration.ZERO)).isInstanceOf(AgentConfigException.class)
                .hasMessageStartingWith("configuration 'model': 'sonnet' is not a duration");
    }

    @Test
    void withOverridesAndToStringHidesValues() {
        AgentConfig merged = config.with(Map.of("model", "opus"));
        assertThat(merged.getString("model")).hasValue("opus");
        assertThat(config.getString("model")).hasValue("sonnet");
        assertThat(AgentConfig.of(Map.of("api-key", "sk-secret")).toString()).isEqualTo("AgentConfig[api-key]");
    }

    @Test
    void messagesNameASettingTheWayTheCallersUsersKnowIt() {
        AgentConfig named = config.withSettingNames(Map.of("bad-int", "AI_BAD_INT"));

        assertThat(config.settingName("bad-int")).isEqualTo("'bad-int'");
        assertThat(named.settingName("bad-int")).isEqualTo("AI_BAD_INT");
        assertThat(named.settingName("model")).isEqualTo("'model'");
        assertThatThrownBy(() -> named.with(Map.of("model", "opus")).getInt("bad-int", 1))
                .hasMessage("configuration AI_BAD_INT must be a whole number, got 'twelve'");
    }

    @Test
    void carriesTheCallersEnvironmentPolicyThroughOverrides() {
        EnvironmentPolicy policy = EnvironmentPolicy.secretsWithheld().withholding("RUNNER_ID");

        assertThat(config.environmentPolicy()).isEqualTo(EnvironmentPolicy.secretsWithheld());
        assertThat(config.withEnvironmentPolicy(policy).with(Map.of("model", "opus")).environmentPolicy()).isEqualTo(policy);
    }
}
