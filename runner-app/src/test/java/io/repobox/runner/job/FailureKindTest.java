package io.repobox.runner.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.repobox.agent.AgentResult.Outcome;
import org.junit.jupiter.api.Test;

class FailureKindTest {

    @Test
    void recordsEachUnsuccessfulAgentOutcomeAsTheContractsKind() {
        assertThat(FailureKind.of(Outcome.FAILED)).isEqualTo(FailureKind.EXIT);
        assertThat(FailureKind.of(Outcome.TIMED_OUT)).isEqualTo(FailureKind.TIMEOUT);
        assertThat(FailureKind.of(Outcome.IDLE)).isEqualTo(FailureKind.IDLE);
        assertThat(FailureKind.of(Outcome.CANCELLED)).isEqualTo(FailureKind.CANCELLED);
        assertThat(FailureKind.of(Outcome.INTERNAL_ERROR)).isEqualTo(FailureKind.INTERNAL);
    }
}
