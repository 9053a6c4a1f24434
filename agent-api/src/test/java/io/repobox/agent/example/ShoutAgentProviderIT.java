package io.repobox.agent.example;

import static org.assertj.core.api.Assertions.assertThat;

import io.repobox.agent.AgentConfig;
import io.repobox.agent.AgentRequest;
import io.repobox.agent.AgentResult;
import io.repobox.agent.spi.AgentProviders;
import io.repobox.agent.testing.RecordingHandler;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The documented example provider works as the docs say. */
class ShoutAgentProviderIT {

    @TempDir
    Path repo;

    @Test
    void runsThePromptThroughItsProgram() throws Exception {
        RecordingHandler sink = new RecordingHandler();
        AgentResult result = AgentProviders.of(List.of(new ShoutAgentProvider())).get("shout").create(AgentConfig.empty())
                .run(AgentRequest.builder("job-1", repo).prompt("hello\nworld\n").build(), sink);

        assertThat(result.isSuccess()).isTrue();
        assertThat(sink.texts()).containsExactly("HELLO", "WORLD");
    }

    @Test
    void aMissingProgramSaysWhatToSet() throws Exception {
        AgentResult result = new ShoutAgentProvider().create(AgentConfig.of(Map.of("cli-path", "no-such-tr")))
                .run(AgentRequest.builder("job-1", repo).prompt("x").build(), new RecordingHandler());

        assertThat(result.outcome()).isEqualTo(AgentResult.Outcome.INTERNAL_ERROR);
        assertThat(result.message()).isEqualTo("Agent could not start: 'no-such-tr' not found on PATH (set cli-path)");
    }
}
