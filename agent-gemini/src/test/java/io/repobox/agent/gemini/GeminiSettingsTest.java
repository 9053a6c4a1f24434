package io.repobox.agent.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.repobox.agent.AgentConfig;
import io.repobox.agent.spi.AgentProviders;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GeminiSettingsTest {

    @Test
    void isRegisteredWithServiceLoader() {
        assertThat(AgentProviders.load().get("gemini")).isInstanceOf(GeminiAgentProvider.class);
    }

    @Test
    void theApiEndpointIsTheConfiguredBaseUrlOrThePublicOne() {
        assertThat(new GeminiAgentProvider().create(AgentConfig.empty()).apiEndpoint())
                .contains(URI.create("https://generativelanguage.googleapis.com"));
        assertThat(new GeminiAgentProvider().create(AgentConfig.of(Map.of("base-url", "http://127.0.0.1:8089"))).apiEndpoint())
                .contains(URI.create("http://127.0.0.1:8089"));
        assertThatThrownBy(() -> GeminiSettings.of(AgentConfig.of(Map.of("base-url", "file:///x")), Map.of()))
                .hasMessage("gemini option 'base-url' must be an http or https URL, got 'file:///x'");
    }

    @Test
    void anApiErrorsStatusAndMessageAreReadFromTheResult() {
        String message = "[API Error: {\"error\":{\"code\":429,\"message\":\"Resource \\\"x\\\" exhausted\",\"status\":\"RESOURCE_EXHAUSTED\"}}]";
        assertThat(GeminiEvents.apiStatus(message)).isEqualTo(429);
        assertThat(GeminiEvents.apiMessage(message)).isEqualTo("Resource \"x\" exhausted");
        assertThat(GeminiEvents.apiStatus("Reached max session turns")).isNull();
    }
}
