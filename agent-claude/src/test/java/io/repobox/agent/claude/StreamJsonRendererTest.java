package io.repobox.agent.claude;

import static org.assertj.core.api.Assertions.assertThat;

import io.repobox.agent.output.OutputLine;
import io.repobox.agent.testing.RecordingHandler;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamJsonRendererTest {

    private final RecordingHandler sink = new RecordingHandler();
    private final List<StreamJsonRenderer.ApiRetry> authFailures = new ArrayList<>();
    private final StreamJsonRenderer renderer = new StreamJsonRenderer(sink, true, authFailures::add);

    private void feed(String... lines) {
        for (String line : lines) {
            renderer.accept(line, 42L);
        }
    }

    @Test
    void rendersTextToolCallsAndToolResultsReadably() {
        feed("{\"type\":\"system\",\"subtype\":\"init\",\"session_id\":\"s1\",\"model\":\"sonnet\",\"permissionMode\":\"acceptEdits\",\"claude_code_version\":\"2.1.110\"}",
                "{\"type\":\"assistant\",\"message\":{\"content\":[{\"type\":\"text\",\"text\":\"Line one\\nLine two\"},"
                        + "{\"type\":\"tool_use\",\"id\":\"t1\",\"name\":\"Grep\",\"input\":{\"pattern\":\"TODO\",\"path\":\"src\"}}]}}",
                "{\"type\":\"user\",\"message\":{\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"t1\",\"content\":\"a.java:1\\nb.java:2\"}]}}",
                "{\"type\":\"assistant\",\"message\":{\"content\":[{\"type\":\"tool_use\",\"id\":\"t2\",\"name\":\"WebFetch\",\"input\":{\"url\":\"https://example.com\"}}]}}",
                "{\"type\":\"user\",\"message\":{\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"t2\",\"is_error\":true,\"content\":\"blocked\"}]}}",
                "{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":false,\"duration_ms\":61000,\"num_turns\":4,\"total_cost_usd\":0.25,\"session_id\":\"s1\",\"result\":\"ok\"}");

        assertThat(sink.texts()).containsExactly(
                "Claude Code 2.1.110 · model sonnet · permission mode acceptEdits · session s1",
                "Line one", "Line two", "→ Grep: TODO", "← Grep: a.java:1 … (2 lines)", "→ WebFetch: https://example.com",
                "← WebFetch failed: blocked", "Result: success · 4 turns · 1m 1s · $0.2500");
        assertThat(sink.lines()).allMatch(l -> l.source() == OutputLine.Source.AGENT && l.stream() == OutputLine.Stream.STDOUT);
        assertThat(renderer.result().turns()).isEqualTo(4);
        assertThat(renderer.result().sessionId()).isEqualTo("s1");
    }

    @Test
    void theRawEventRidesOnTheFirstLineOfItsRendering() {
        String event = "{\"type\":\"assistant\",\"message\":{\"content\":[{\"type\":\"text\",\"text\":\"a\\nb\"}]}}";
        feed(event);

        assertThat(sink.lines()).extracting(OutputLine::event).containsExactly(event, null);
    }

    @Test
    void unknownEventsAndNonJsonLinesArePassedOnNotLost() {
        feed("plain words", "{not json", "{\"type\":\"brand_new\",\"x\":[1,2]}",
                "{\"type\":\"assistant\",\"message\":{\"content\":[{\"type\":\"hologram\",\"data\":1}]}}", "[1,2,3]");

        assertThat(sink.texts()).containsExactly("plain words", "{not json", "[brand_new] {\"type\":\"brand_new\",\"x\":[1,2]}",
                "[assistant/hologram] {\"type\":\"hologram\",\"data\":1}", "[1,2,3]");
    }

    @Test
    void apiRetriesAreWordedAndAuthenticationFailuresReported() {
        feed("{\"type\":\"system\",\"subtype\":\"api_retry\",\"attempt\":3,\"max_retries\":10,\"retry_delay_ms\":5000,\"error_status\":529,\"error\":\"overloaded\"}",
                "{\"type\":\"system\",\"subtype\":\"api_retry\",\"attempt\":1,\"max_retries\":10,\"retry_delay_ms\":620.8,\"error_status\":401,\"error\":\"authentication_failed\"}");

        assertThat(sink.texts()).containsExactly("API overloaded (529) — retry 3 of 10 in 5s", "API authentication rejected (401) — retry 1 of 10 in 620ms");
        assertThat(authFailures).extracting(StreamJsonRenderer.ApiRetry::status).containsExactly(401);
        assertThat(renderer.lastRetry().describe()).isEqualTo("the Anthropic API answered 401 (authentication rejected); the CLI was at retry 1 of 10");
    }

    @Test
    void veryLongTextBecomesBoundedLines() {
        feed("{\"type\":\"assistant\",\"message\":{\"content\":[{\"type\":\"text\",\"text\":\"" + "z".repeat(40_000) + "\"}]}}");

        assertThat(sink.texts()).hasSize(3).allSatisfy(t -> assertThat(t.length()).isLessThanOrEqualTo(16 * 1024));
        assertThat(String.join("", sink.texts())).hasSize(40_000);
    }
}
