package io.repobox.runner.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.repobox.agent.Agent;
import io.repobox.agent.AgentConfig;
import io.repobox.agent.AgentRequest;
import io.repobox.agent.AgentResult;
import io.repobox.agent.spi.AgentProviders;
import io.repobox.agent.testing.RecordingHandler;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Claude Code CLI inside a job's sandbox (run by scripts/test-sandbox.sh when the CLI is
 * installed, with {@code -Dclaude.cli.path}): it reaches the stand-in API only through the egress
 * proxy, keeps its session files in the job's private HOME, and its Bash tool runs inside.
 */
class ClaudeCliSandboxIT {

    @TempDir
    Path dir;

    @Test
    void theCliWorksInsideTheSandboxThroughTheProxy() throws Exception {
        String cli = System.getProperty("claude.cli.path");
        assertThat(cli).as("-Dclaude.cli.path (the installed Claude Code CLI)").isNotBlank();
        assertThat(Path.of(cli)).isExecutable();
        Path tempDir = dir.resolve("work");
        Path workspace = Files.createDirectories(tempDir.resolve("job-claude"));
        Path repo = Files.createDirectories(workspace.resolve("repo"));
        List<String> notices = Collections.synchronizedList(new ArrayList<>());
        try (MessagesStandIn api = new MessagesStandIn("id -u > whoami.txt; ls /proc | grep -c '^[0-9]' > procs.txt; echo $HOME > home.txt")) {
            Agent agent = AgentProviders.load().get("claude").create(AgentConfig.of(Map.of("cli-path", cli, "api-key",
                    "sk-ant-test-key-0123456789", "base-url", api.baseUrl(), "grace-period", "2s", "permission-mode", "bypassPermissions")));
            Sandbox sandbox = Sandbox.detect(SandboxSettings.defaults(SandboxSettings.Mode.REQUIRED), tempDir);
            assertThat(sandbox.problem()).isNull();
            assertThat(agent.apiEndpoint()).contains(URI.create(api.baseUrl()));
            try (JobSandbox job = sandbox.forJob("job-claude", workspace, repo,
                    List.of(HostRule.forEndpoint(agent.apiEndpoint().orElseThrow(), "AI_BASE_URL")), notices::add)) {
                RecordingHandler sink = new RecordingHandler();
                AgentResult result = agent.start(AgentRequest.builder("job-claude", repo).prompt("Probe the sandbox")
                        .timeout(Duration.ofSeconds(60)).environment(Map.of("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1"))
                        .launcher(job).build(), sink).await(Duration.ofMinutes(4)).orElseThrow();
                assertThat(result.isSuccess()).as(result.message() + "\n" + String.join("\n", sink.texts()) + "\nrequests: " + api.requests.size()
                        + "\nrefused: " + notices).isTrue();
                assertThat(sink.texts()).anyMatch(t -> t.contains("Done inside the sandbox."));
            }
            assertThat(api.requests).isNotEmpty();
            assertThat(repo.resolve("whoami.txt")).hasContent("1000");
            assertThat(Integer.parseInt(Files.readString(repo.resolve("procs.txt")).trim())).isLessThan(20);
            assertThat(repo.resolve("home.txt")).hasContent(workspace.resolve("sandbox/home").toString());
            assertThat(workspace.resolve("sandbox/home/.claude")).isDirectory(); // its session files stay in the job
            // The stand-in was reached; anything else the CLI tried (its own telemetry host) was refused and said so.
            assertThat(notices).noneMatch(n -> n.contains("127.0.0.1"));
        }
    }
}
