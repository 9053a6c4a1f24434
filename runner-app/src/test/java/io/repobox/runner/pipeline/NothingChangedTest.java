package io.repobox.runner.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.repobox.agent.AgentResult;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NothingChangedTest {

    @Test
    void aPlainNoChangeSaysSo() {
        assertThat(CommitStep.nothingChanged(AgentResult.succeeded("ok", Duration.ZERO, Map.of()).details()))
                .isEqualTo("The agent changed nothing: no commit, no push");
    }

    @Test
    void toolsRefusedByThePermissionModeAreNamedWithTheSettingsThatAllowThem() {
        AgentResult result = AgentResult.succeeded("ok", Duration.ZERO, Map.of("agent_permission_denials", "2"));

        assertThat(CommitStep.nothingChanged(result.details())).isEqualTo("The agent changed nothing, and 2 tool calls were refused by the "
                + "permission mode: allow the tools it needs with AI_ALLOWED_TOOLS (for example Bash,Write) or choose another "
                + "AI_PERMISSION_MODE; no commit, no push");
    }
}
