package io.repobox.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.repobox.agent.process.ProcessLauncher;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AgentRequestTest {

    @Test
    void toBuilderCopiesEverythingSoOneFieldCanBeChanged() {
        ProcessLauncher launcher = ProcessLauncher.direct();
        AgentRequest request = AgentRequest.builder("job-1", Path.of("/tmp/repo")).prompt("p").environmentName("node")
                .timeout(Duration.ofMinutes(3)).environment("A", "1").option("model", "m").secret("s3cr3t-value").launcher(launcher)
                .build();

        AgentRequest changed = request.toBuilder().prompt("other").build();

        assertThat(changed.prompt()).isEqualTo("other");
        assertThat(changed).usingRecursiveComparison().ignoringFields("prompt").isEqualTo(request);
    }
}
