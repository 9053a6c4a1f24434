package io.repobox.runner.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MicrometerMetricsTest {

    @Test
    void usageWithMissingOrMalformedValuesCountsOnlyWhatIsANumber() {
        try (MicrometerMetrics m = new MicrometerMetrics("r1", "1.0", "claude")) {
            m.agentUsage("claude", "", Map.of("agent_input_tokens", "100", "agent_output_tokens", "many", "agent_cost_usd", "-1"));
            m.agentUsage("claude", "opus", Map.of("agent_input_tokens", "5"));

            assertThat(m.scrape()).contains("repobox_agent_tokens_total{direction=\"input\",model=\"default\",provider=\"claude\"} 100.0")
                    .contains("repobox_agent_tokens_total{direction=\"input\",model=\"opus\",provider=\"claude\"} 5.0")
                    .doesNotContain("direction=\"output\"").doesNotContain("repobox_agent_cost_usd_total{");
        }
    }

    @Test
    void aLoopThatEndsOnPurposeIsNoLongerWatched() {
        try (MicrometerMetrics m = new MicrometerMetrics("r1", "1.0", "fake")) {
            m.loopTurned("dispatcher");
            m.loopTurned("maintenance");
            m.loopEnded("dispatcher");

            assertThat(m.loopAges()).containsOnlyKeys("maintenance");
            assertThat(m.loopAges().get("maintenance")).isLessThan(Duration.ofMinutes(1));
        }
    }

    @Test
    void theFacadeIsOffWithoutHttpAddress() {
        assertThat(RunnerOps.off().metrics()).isSameAs(RunnerMetrics.none());
        assertThat(RunnerOps.off().address()).isEmpty();
    }
}
