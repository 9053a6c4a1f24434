package io.repobox.runner.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChildEnvironmentTest {

    @Test
    void withholdsEveryVariableOfTheConfigurationReferenceAndTheFilesHoldingSecrets() {
        assertThat(Settings.KNOWN).allSatisfy(name -> assertThat(ChildEnvironment.POLICY.withholds(name)).as(name).isTrue());
        assertThat(ChildEnvironment.POLICY.withholds("ENCRYPTION_KEY_FILE")).isTrue();
        assertThat(ChildEnvironment.POLICY.withholds("REDIS_URL_FILE")).isTrue();
        assertThat(ChildEnvironment.POLICY.withholds("AI_SOMETHING_LATER")).isTrue();
        assertThat(ChildEnvironment.POLICY.withholds("REPOBOX_EXECUTION_MARKER")).isTrue();
    }

    @Test
    void keepsWhatAChildNeedsToRun() {
        assertThat(ChildEnvironment.POLICY.withholds("PATH")).isFalse();
        assertThat(ChildEnvironment.POLICY.withholds("HOME")).isFalse();
        assertThat(ChildEnvironment.POLICY.withholds("HTTPS_PROXY")).isFalse();
        assertThat(ChildEnvironment.POLICY.withholds("LANG")).isFalse();
    }
}
