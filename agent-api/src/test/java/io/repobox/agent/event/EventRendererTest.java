package io.repobox.agent.event;

import static org.assertj.core.api.Assertions.assertThat;

import io.repobox.agent.output.OutputLine;
import io.repobox.agent.testing.RecordingHandler;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventRendererTest {

    private final RecordingHandler sink = new RecordingHandler();
    private final EventRenderer renderer = new EventRenderer(sink, true);

    @Test
    void everyKindOfEventHasItsLine() {
        renderer.render(1, "{raw}", "start", List.of(new AgentEvent.SessionStarted("Codex", "0.171.0", "gpt-5", "th-1", Map.of("sandbox", "off"))));
        renderer.render(2, new AgentEvent.Thinking("**Planning**\nmore"));
        renderer.render(3, new AgentEvent.ToolCall("c1", "shell", ToolKind.COMMAND, "npm test"));
        renderer.render(4, new AgentEvent.ToolResult("c1", null, false, "1 failing\nexpected 2"));
        renderer.render(5, new AgentEvent.ApiRetry(429, "", 2, null, Duration.ofSeconds(4)));
        renderer.render(6, new AgentEvent.ApiError(500, "upstream failed"));
        renderer.render(7, new AgentEvent.PermissionDenied("Bash", "rm -rf /"));
        renderer.render(8, new AgentEvent.Notice("task started", "Explore"));
        renderer.render(9, new AgentEvent.Usage(100, 10, 80, null));
        renderer.render(10, new AgentEvent.Usage(50, 5, 0, null));
        renderer.render(11, new AgentEvent.FinalResult(false, "turn.failed", 1, Duration.ofSeconds(61), null, "stream disconnected"));

        assertThat(sink.texts()).containsExactly("Codex 0.171.0 · model gpt-5 · sandbox off · session th-1", "(thinking) **Planning** …",
                "→ shell: npm test", "← shell failed: 1 failing … (2 lines)", "API rate limited (429) — retry 2 in 4s",
                "API internal error (500): upstream failed", "✗ Bash refused by the permission settings: rm -rf /", "[task started] Explore",
                "Result: error (turn.failed) · 1 turn · 1m 1s · 150 tokens in (80 cached), 15 out", "stream disconnected");
        assertThat(sink.lines().get(0).event()).isEqualTo("{raw}");
    }

    @Test
    void theFactsAddUpForTheJobRecord() {
        renderer.render(1, new AgentEvent.SessionStarted("Gemini CLI", "0.61.0", "gemini-2.5-pro", "s-9", Map.of()));
        renderer.render(2, new AgentEvent.Usage(100, 10, 0, 0.01));
        renderer.render(3, new AgentEvent.Usage(20, 2, 5, 0.02));
        renderer.render(4, new AgentEvent.PermissionDenied("write_file", "a.txt"));
        renderer.render(5, new AgentEvent.FinalResult(true, "success", 3, null, null, ""));

        assertThat(renderer.facts().details()).containsExactly(Map.entry("agent_session_id", "s-9"), Map.entry("agent_version", "0.61.0"),
                Map.entry("agent_model", "gemini-2.5-pro"), Map.entry("agent_turns", "3"), Map.entry("agent_cost_usd", "0.030000"),
                Map.entry("agent_input_tokens", "120"), Map.entry("agent_output_tokens", "12"), Map.entry("agent_cached_tokens", "5"),
                Map.entry("agent_permission_denials", "1"));
    }

    @Test
    void anEventThatRendersToNothingStillCarriesItsRawFormAndLongTextIsBounded() {
        renderer.render(1, "{\"type\":\"turn.started\"}", "turn.started", List.of());
        renderer.render(2, null, null, List.of(new AgentEvent.AssistantText("x".repeat(40_000))));
        renderer.passThrough(3, OutputLine.Stream.STDERR, "warning: plain");

        assertThat(sink.lines().get(0).text()).isEqualTo("[turn.started]");
        assertThat(sink.lines().get(0).event()).isEqualTo("{\"type\":\"turn.started\"}");
        assertThat(sink.texts()).hasSize(5).last().isEqualTo("warning: plain");
        assertThat(String.join("", sink.texts().subList(1, 4))).hasSize(40_000);
    }
}
