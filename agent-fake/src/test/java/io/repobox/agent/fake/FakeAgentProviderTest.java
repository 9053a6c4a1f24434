package io.repobox.agent.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.repobox.agent.AgentConfig;
import io.repobox.agent.AgentConfigException;
import io.repobox.agent.spi.AgentProviders;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FakeAgentProviderTest {

    @Test
    void isRegisteredWithServiceLoader() {
        assertThat(AgentProviders.load().get("fake")).isInstanceOf(FakeAgentProvider.class);
    }

    @Test
    void isReadyWithoutAnyConfiguration() {
        assertThat(new FakeAgentProvider().readiness(AgentConfig.empty()).ready()).isTrue();
    }

    @Test
    void promptDirectivesOverrideOptions() {
        FakeBehaviour b = FakeBehaviour.resolve(AgentConfig.of(Map.of("lines", "5", "exit-code", "1")),
                "Fix the bug\n  @fake lines=100 sleep=2s error=quota+exceeded\n@fake write=false");

        assertThat(b.lines()).isEqualTo(100);
        assertThat(b.exitCode()).isEqualTo(1);
        assertThat(b.sleep()).isEqualTo(Duration.ofSeconds(2));
        assertThat(b.error()).isEqualTo("quota exceeded");
        assertThat(b.write()).isFalse();
    }

    @Test
    void aSleepReachesTheShellInSecondsWithoutTrailingZeros() {
        assertThat(FakeAgent.seconds(Duration.ZERO)).isEqualTo("0");
        assertThat(FakeAgent.seconds(Duration.ofMillis(10))).isEqualTo("0.01");
        assertThat(FakeAgent.seconds(Duration.ofMillis(1500))).isEqualTo("1.5");
        assertThat(FakeAgent.seconds(Duration.ofHours(1))).isEqualTo("3600");
        assertThat(FakeAgent.seconds(Duration.ofMillis(100_001))).isEqualTo("100.001");
    }

    @Test
    void defaultsDescribeAShortSuccessfulRun() {
        FakeBehaviour b = FakeBehaviour.resolve(AgentConfig.empty(), "Add a README");

        assertThat(b.lines()).isEqualTo(3);
        assertThat(b.exitCode()).isZero();
        assertThat(b.write()).isTrue();
        assertThat(b.file()).isEqualTo("REPOBOX_DRY_RUN.md");
    }

    @Test
    void badOptionsAreRejectedWithTheirName() {
        assertThatThrownBy(() -> FakeBehaviour.resolve(AgentConfig.empty(), "@fake colour=red"))
                .isInstanceOf(AgentConfigException.class).hasMessageStartingWith("fake agent directive 'colour' is unknown; known: error, exit-code, file,");
        assertThatThrownBy(() -> FakeBehaviour.resolve(AgentConfig.empty(), "@fake lines"))
                .hasMessage("fake agent directive 'lines' must be key=value, e.g. '@fake lines=100'");
        assertThatThrownBy(() -> FakeBehaviour.resolve(AgentConfig.of(Map.of("file", "../outside")), ""))
                .hasMessage("fake agent option 'file' must be a path inside the repository, got '../outside'");
        assertThatThrownBy(() -> FakeBehaviour.resolve(AgentConfig.of(Map.of("exit-code", "300")), ""))
                .hasMessage("fake agent option 'exit-code' must be between 0 and 255, got 300");
        assertThatThrownBy(() -> new FakeAgentProvider().create(AgentConfig.of(Map.of("lines", "-1"))))
                .hasMessage("fake agent option 'lines' must not be negative, got -1");
    }

    @Test
    void paddingBringsLinesToTheRequestedSize() {
        FakeBehaviour b = FakeBehaviour.resolve(AgentConfig.of(Map.of("lines", "1000", "line-bytes", "100")), "");
        assertThat(("[fake] line 1000 of 1000" + b.padding()).length()).isEqualTo(100);
    }
}
