package io.repobox.agent.codex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.repobox.agent.AgentConfig;
import io.repobox.agent.event.AgentEvent;
import io.repobox.agent.spi.AgentProviders;
import io.repobox.agent.testing.RecordingHandler;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CodexSettingsTest {

    @Test
    void isRegisteredWithServiceLoader() {
        assertThat(AgentProviders.load().get("codex")).isInstanceOf(CodexAgentProvider.class);
    }

    @Test
    void aBaseUrlWithoutAPathGetsTheApisV1AndOneWithAPathIsKept() {
        assertThat(CodexSettings.baseUrl(null, AgentConfig.empty())).isEqualTo("https://api.openai.com/v1");
        assertThat(CodexSettings.baseUrl("http://127.0.0.1:8080", AgentConfig.empty())).isEqualTo("http://127.0.0.1:8080/v1");
        assertThat(CodexSettings.baseUrl("http://127.0.0.1:8080/", AgentConfig.empty())).isEqualTo("http://127.0.0.1:8080/v1");
        assertThat(CodexSettings.baseUrl("https://gw.example/openai/v1/", AgentConfig.empty())).isEqualTo("https://gw.example/openai/v1");
        assertThatThrownBy(() -> CodexSettings.baseUrl("ftp://x", AgentConfig.empty())).hasMessage(
                "codex option 'base-url' must be an http or https URL, got 'ftp://x'");
        assertThat(new CodexAgentProvider().create(AgentConfig.of(Map.of("base-url", "http://10.0.0.5:9000"))).apiEndpoint())
                .contains(URI.create("http://10.0.0.5:9000/v1"));
    }

    @Test
    void theModelAndExtraArgumentsAreFlagsAndAQuoteCannotReachTheToml() {
        CodexSettings s = CodexSettings.of(AgentConfig.of(Map.of("model", "-o3", "extra-args", "--enable foo",
                "base-url", "http://h/v1")), Map.of());

        assertThat(s.command(true)).containsSubsequence("--dangerously-bypass-approvals-and-sandbox", "--model=-o3",
                "--config=model_providers.repobox={name=\"repobox\", base_url=\"http://h/v1\", env_key=\"OPENAI_API_KEY\", wire_api=\"responses\"}",
                "--enable", "foo", "-");
        assertThatThrownBy(() -> CodexSettings.baseUrl("http://h/a\"b", AgentConfig.empty())).hasMessage("codex option 'base-url' is not a URL: 'http://h/a\"b'");
        assertThat(s.command(true).get(s.command(true).size() - 1)).isEqualTo("-");
    }

    @Test
    void runningUsageTotalsBecomeDifferencesAndShellWrappersAreRemoved() {
        RecordingHandler sink = new RecordingHandler();
        CodexEvents events = new CodexEvents(sink, false, "0.171.0", null, "workspace-write");
        events.accept("{\"type\":\"turn.completed\",\"usage\":{\"input_tokens\":100,\"cached_input_tokens\":10,\"output_tokens\":5}}", 1);
        events.accept("{\"type\":\"turn.completed\",\"usage\":{\"input_tokens\":250,\"cached_input_tokens\":30,\"output_tokens\":9}}", 2);

        assertThat(events.facts().inputTokens()).isEqualTo(250);
        assertThat(events.facts().outputTokens()).isEqualTo(9);
        assertThat(events.facts().cachedTokens()).isEqualTo(30);
        assertThat(events.facts().turns()).isEqualTo(2);
        assertThat(CodexEvents.unwrap("/bin/bash -lc 'echo '\\''hi'\\'' > a.txt'")).isEqualTo("echo 'hi' > a.txt");
        assertThat(CodexEvents.unwrap("ls -la")).isEqualTo("ls -la");
        assertThat(CodexEvents.error("Reconnecting... 3/5 (unexpected status 429 Too Many Requests: slow)"))
                .isEqualTo(new AgentEvent.ApiRetry(429, "", 3, 5, null));
    }
}
