package io.repobox.agent.claude;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.repobox.agent.event.AgentEvent;
import io.repobox.agent.event.EventRenderer;
import io.repobox.agent.event.SessionFacts;
import io.repobox.agent.event.ToolKind;
import io.repobox.agent.output.OutputLine;
import io.repobox.agent.output.OutputSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Maps the CLI's stream-json events onto the provider-neutral {@link AgentEvent}s, which the shared
 * {@link EventRenderer} turns into lines as they arrive: the assistant's text, each tool call with
 * its main argument, a summary of each tool result, API retries, refused tool calls, sub-tasks and
 * the final summary. Unknown event or block types are passed on in a generic form, and a line that
 * is not JSON is passed on as it is, so nothing the CLI prints is lost. The raw event rides along on
 * the first line rendered from it ({@link OutputLine#event()}).
 *
 * <p>It also keeps what the result needs: the {@code result} event and the last API retry.
 * Called from the stdout reader thread only.
 */
final class StreamJsonRenderer {

    /** The final {@code result} event, reduced to what the result and the job record need. */
    record ResultEvent(String subtype, boolean isError, Integer apiErrorStatus, String text, String sessionId, Integer turns,
                       Long durationMs, Double costUsd, int permissionDenials) {
    }

    /** The last {@code api_retry} event. */
    record ApiRetry(int status, String error, int attempt, int maxRetries, long delayMs) {
        String describe() {
            return "the Anthropic API answered " + status + " (" + statusWords(status, error) + "); the CLI was at retry " + attempt
                    + " of " + maxRetries;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] MAIN_ARGUMENTS = {"command", "file_path", "notebook_path", "pattern", "url", "query", "path",
        "description", "prompt", "skill", "subject"};

    private final EventRenderer renderer;
    private final Consumer<ApiRetry> onAuthenticationFailure;
    private volatile ResultEvent result;
    private volatile ApiRetry lastRetry;

    StreamJsonRenderer(OutputSink sink, boolean rawEvents, Consumer<ApiRetry> onAuthenticationFailure) {
        this.renderer = new EventRenderer(sink, rawEvents);
        this.onAuthenticationFailure = onAuthenticationFailure;
    }

    ResultEvent result() {
        return result;
    }

    ApiRetry lastRetry() {
        return lastRetry;
    }

    /** What the session's events added up to (session id, version, turns, cost, tokens, refusals). */
    SessionFacts facts() {
        return renderer.facts();
    }

    /** Renders one stdout line. */
    void accept(String line, long timestamp) {
        JsonNode event = null;
        if (line.startsWith("{")) {
            try {
                event = JSON.readTree(line);
            } catch (JsonProcessingException e) {
                event = null; // not an event: pass the line on unchanged
            }
        }
        if (event == null || !event.isObject()) {
            renderer.passThrough(timestamp, OutputLine.Stream.STDOUT, line);
            return;
        }
        String type = event.path("type").asText("");
        List<AgentEvent> out = new ArrayList<>();
        switch (type) {
            case "system" -> system(event, out);
            case "assistant" -> assistant(event, out);
            case "user" -> user(event, out);
            case "result" -> result(event, out);
            default -> out.add(new AgentEvent.Unknown(type, event.toString()));
        }
        renderer.render(timestamp, line, type, out);
        ApiRetry retry = lastRetry;
        if (type.equals("system") && event.path("subtype").asText("").equals("api_retry") && retry != null
                && (retry.status() == 401 || retry.status() == 403)) {
            onAuthenticationFailure.accept(retry);
        }
    }

    private void system(JsonNode e, List<AgentEvent> out) {
        String subtype = e.path("subtype").asText("");
        switch (subtype) {
            case "init" -> out.add(new AgentEvent.SessionStarted("Claude Code", e.path("claude_code_version").asText(""),
                    e.path("model").asText(""), e.path("session_id").asText(""),
                    Map.of("permission mode", e.path("permissionMode").asText("?"))));
            case "api_retry" -> {
                ApiRetry retry = new ApiRetry(e.path("error_status").asInt(0), e.path("error").asText(""), e.path("attempt").asInt(0),
                        e.path("max_retries").asInt(0), e.path("retry_delay_ms").asLong(0));
                lastRetry = retry;
                out.add(new AgentEvent.ApiRetry(retry.status(), retry.error(), retry.attempt(), retry.maxRetries(),
                        Duration.ofMillis(retry.delayMs())));
            }
            case "task_started" -> out.add(new AgentEvent.Notice("task started", text(e, "description", "prompt", "task_type", "task_id")));
            case "task_notification", "task_progress" -> out.add(new AgentEvent.Notice(subtype.equals("task_progress") ? "task" : "task "
                    + e.path("status").asText("update"), text(e, "summary", "description", "output_file", "task_id")));
            case "task_updated" -> out.add(new AgentEvent.Notice("task updated", text(e.path("patch"), "status", "description", "error")
                    + " (" + e.path("task_id").asText("?") + ")"));
            default -> out.add(new AgentEvent.Unknown("system/" + subtype, e.toString()));
        }
    }

    private void assistant(JsonNode e, List<AgentEvent> out) {
        for (JsonNode block : e.path("message").path("content")) {
            String type = block.path("type").asText("");
            switch (type) {
                case "text" -> out.add(new AgentEvent.AssistantText(block.path("text").asText("")));
                case "tool_use" -> {
                    String name = block.path("name").asText("tool");
                    out.add(new AgentEvent.ToolCall(block.path("id").asText(""), name, kind(name), mainArgument(block.path("input"))));
                }
                case "thinking" -> out.add(new AgentEvent.Thinking(block.path("thinking").asText("")));
                default -> out.add(new AgentEvent.Unknown("assistant/" + type, block.toString()));
            }
        }
    }

    private void user(JsonNode e, List<AgentEvent> out) {
        JsonNode content = e.path("message").path("content");
        if (!content.isArray()) {
            return; // the prompt echoed back: already known
        }
        for (JsonNode block : content) {
            String type = block.path("type").asText("");
            if (type.equals("tool_result")) {
                out.add(new AgentEvent.ToolResult(block.path("tool_use_id").asText(""), null, !block.path("is_error").asBoolean(false),
                        resultText(block.path("content"))));
            } else if (!type.equals("text")) {
                out.add(new AgentEvent.Unknown("user/" + type, block.toString()));
            }
        }
    }

    private void result(JsonNode e, List<AgentEvent> out) {
        JsonNode denials = e.path("permission_denials");
        ResultEvent r = new ResultEvent(e.path("subtype").asText(""), e.path("is_error").asBoolean(false),
                e.hasNonNull("api_error_status") ? e.path("api_error_status").asInt() : null, e.path("result").asText(""),
                e.path("session_id").asText(null), e.hasNonNull("num_turns") ? e.path("num_turns").asInt() : null,
                e.hasNonNull("duration_ms") ? e.path("duration_ms").asLong() : null,
                e.hasNonNull("total_cost_usd") ? e.path("total_cost_usd").asDouble() : null, denials.size());
        result = r;
        // Each refused call once, at the end, where the CLI lists them all.
        for (JsonNode d : denials) {
            out.add(new AgentEvent.PermissionDenied(d.path("tool_name").asText("tool"), mainArgument(d.path("tool_input"))));
        }
        JsonNode usage = e.path("usage");
        if (usage.isObject()) {
            out.add(new AgentEvent.Usage(usage.path("input_tokens").asLong(0) + usage.path("cache_creation_input_tokens").asLong(0)
                    + usage.path("cache_read_input_tokens").asLong(0), usage.path("output_tokens").asLong(0),
                    usage.path("cache_read_input_tokens").asLong(0), null));
        }
        out.add(new AgentEvent.FinalResult(!r.isError(), r.subtype(), r.turns(), r.durationMs() == null ? null : Duration.ofMillis(r.durationMs()),
                r.costUsd(), r.isError() ? r.text() : ""));
    }

    private static ToolKind kind(String tool) {
        return switch (tool) {
            case "Read", "LS", "NotebookRead" -> ToolKind.READ;
            case "Write", "Edit", "MultiEdit", "NotebookEdit" -> ToolKind.EDIT;
            case "Bash", "BashOutput", "KillBash", "KillShell" -> ToolKind.COMMAND;
            case "Grep", "Glob" -> ToolKind.SEARCH;
            case "WebFetch", "WebSearch" -> ToolKind.WEB;
            case "Task", "Agent", "TodoWrite", "ExitPlanMode", "TaskCreate", "TaskUpdate" -> ToolKind.TASK;
            default -> ToolKind.OTHER;
        };
    }

    private static String mainArgument(JsonNode input) {
        for (String field : MAIN_ARGUMENTS) {
            JsonNode v = input.get(field);
            if (v != null && v.isValueNode() && !v.asText().isBlank()) {
                return v.asText();
            }
        }
        return "";
    }

    /** The first non-blank of {@code fields}. */
    private static String text(JsonNode e, String... fields) {
        for (String field : fields) {
            String v = e.path(field).asText("");
            if (!v.isBlank()) {
                return v;
            }
        }
        return "";
    }

    private static String resultText(JsonNode content) {
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder out = new StringBuilder();
        for (JsonNode part : content) {
            if (part.path("type").asText("").equals("text")) {
                out.append(out.length() > 0 ? "\n" : "").append(part.path("text").asText(""));
            }
        }
        return out.toString();
    }

    static String statusWords(int status, String error) {
        return EventRenderer.statusWords(status, error);
    }
}
