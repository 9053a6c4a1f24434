package io.repobox.agent.gemini;

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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps the Gemini CLI's {@code stream-json} events onto the provider-neutral {@link AgentEvent}s:
 * init, message (the assistant's text arrives as deltas, rendered line by line as lines complete),
 * tool_use, tool_result, error and result. The CLI reports API retries only on stderr ("Attempt 2
 * failed with status 429. Retrying with backoff..."): those lines pass through as they are and are
 * recorded as retries. Lines that are not JSON pass through unchanged.
 */
final class GeminiEvents {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ATTEMPT = Pattern.compile("Attempt (\\d+) failed with status (\\d{3})");
    /** "[API Error: {"error":{"code":400,"message":"…"}}]" or a plain message. */
    private static final Pattern API_ERROR_CODE = Pattern.compile("\"code\"\\s*:\\s*(\\d{3})");
    private static final Pattern API_ERROR_MESSAGE = Pattern.compile("\"message\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final String[] MAIN_ARGUMENTS = {"file_path", "absolute_path", "command", "pattern", "url", "query", "path", "dir_path",
        "prompt", "description"};

    private final EventRenderer renderer;
    private final String cliVersion;
    private final StringBuilder text = new StringBuilder();
    private volatile JsonNode result;

    GeminiEvents(OutputSink sink, boolean rawEvents, String cliVersion) {
        this.renderer = new EventRenderer(sink, rawEvents);
        this.cliVersion = cliVersion;
    }

    /** The {@code result} event, or null. */
    JsonNode result() {
        return result;
    }

    SessionFacts facts() {
        return renderer.facts();
    }

    /** One stdout line. */
    void accept(String line, long timestamp) {
        JsonNode event = null;
        if (line.startsWith("{")) {
            try {
                event = JSON.readTree(line);
            } catch (JsonProcessingException e) {
                event = null;
            }
        }
        if (event == null || !event.isObject()) {
            flush(timestamp);
            renderer.passThrough(timestamp, OutputLine.Stream.STDOUT, line);
            return;
        }
        String type = event.path("type").asText("");
        if (type.equals("message") && event.path("role").asText("").equals("assistant")) {
            assistant(event, line, timestamp);
            return;
        }
        flush(timestamp);
        List<AgentEvent> out = new ArrayList<>();
        switch (type) {
            case "init" -> out.add(new AgentEvent.SessionStarted("Gemini CLI", cliVersion, event.path("model").asText(""),
                    event.path("session_id").asText(""), Map.of()));
            case "message" -> { } // the prompt echoed back: already known
            case "tool_use" -> {
                String name = event.path("tool_name").asText("tool");
                out.add(new AgentEvent.ToolCall(event.path("tool_id").asText(""), name, kind(name), mainArgument(event.path("parameters"))));
            }
            case "tool_result" -> {
                boolean ok = event.path("status").asText("").equals("success");
                String output = ok ? event.path("output").asText("") : event.path("error").path("message").asText(event.path("output").asText(""));
                out.add(new AgentEvent.ToolResult(event.path("tool_id").asText(""), null, ok, output));
            }
            case "error" -> {
                String message = event.path("message").asText("");
                out.add(event.path("severity").asText("error").equals("warning") ? new AgentEvent.Notice("warning", message)
                        : new AgentEvent.ApiError(null, message));
            }
            case "result" -> {
                result = event;
                JsonNode stats = event.path("stats");
                if (stats.isObject()) {
                    out.add(new AgentEvent.Usage(stats.path("input_tokens").asLong(0), stats.path("output_tokens").asLong(0),
                            stats.path("cached").asLong(0), null));
                }
                boolean ok = event.path("status").asText("").equals("success");
                String message = event.path("error").path("message").asText("");
                Integer status = apiStatus(message);
                if (!ok && status != null) {
                    out.add(new AgentEvent.ApiError(status, apiMessage(message)));
                }
                out.add(new AgentEvent.FinalResult(ok, ok ? "success" : event.path("error").path("type").asText("error"), null,
                        stats.hasNonNull("duration_ms") ? Duration.ofMillis(stats.path("duration_ms").asLong()) : null, null,
                        status != null ? "" : message));
            }
            default -> out.add(new AgentEvent.Unknown(type, event.toString()));
        }
        renderer.render(timestamp, line, type, out);
    }

    /** One stderr line: passed on as it is; a retry notice is also recorded. */
    void acceptStderr(String line, long timestamp) {
        renderer.passThrough(timestamp, OutputLine.Stream.STDERR, line);
        Matcher m = ATTEMPT.matcher(line);
        if (m.find()) {
            renderer.record(new AgentEvent.ApiRetry(Integer.parseInt(m.group(2)), "", Integer.parseInt(m.group(1)), null, null));
        }
    }

    /** The rest of the assistant's text, at the end of the stream. */
    void finish(long timestamp) {
        flush(timestamp);
    }

    private void assistant(JsonNode event, String raw, long timestamp) {
        String content = event.path("content").asText("");
        if (!event.path("delta").asBoolean(false)) {
            flush(timestamp);
            renderer.render(timestamp, raw, "message", List.of(new AgentEvent.AssistantText(content)));
            return;
        }
        // Deltas are pieces of one text: a line is shown once it is complete.
        text.append(content);
        int nl = text.lastIndexOf("\n");
        if (nl >= 0) {
            String complete = text.substring(0, nl);
            text.delete(0, nl + 1);
            renderer.render(timestamp, raw, "message", List.of(new AgentEvent.AssistantText(complete)));
        }
    }

    private void flush(long timestamp) {
        if (text.length() > 0) {
            String rest = text.toString();
            text.setLength(0);
            renderer.render(timestamp, null, null, List.of(new AgentEvent.AssistantText(rest)));
        }
    }

    /** The HTTP status inside an "[API Error: {…}]" message, or null. */
    static Integer apiStatus(String message) {
        if (!message.contains("API Error")) {
            return null;
        }
        Matcher m = API_ERROR_CODE.matcher(message);
        return m.find() ? Integer.valueOf(m.group(1)) : null;
    }

    /** The API's own message inside an "[API Error: {…}]" message, else the message. */
    static String apiMessage(String message) {
        Matcher m = API_ERROR_MESSAGE.matcher(message);
        return m.find() ? m.group(1).replace("\\\"", "\"") : message;
    }

    private static ToolKind kind(String tool) {
        return switch (tool) {
            case "read_file", "read_many_files", "list_directory" -> ToolKind.READ;
            case "write_file", "replace", "edit" -> ToolKind.EDIT;
            case "run_shell_command" -> ToolKind.COMMAND;
            case "search_file_content", "grep", "glob", "grep_search" -> ToolKind.SEARCH;
            case "web_fetch", "google_web_search" -> ToolKind.WEB;
            case "write_todos", "save_memory", "delegate_to_agent" -> ToolKind.TASK;
            default -> ToolKind.OTHER;
        };
    }

    private static String mainArgument(JsonNode parameters) {
        for (String field : MAIN_ARGUMENTS) {
            JsonNode v = parameters.get(field);
            if (v != null && v.isValueNode() && !v.asText().isBlank()) {
                return v.asText();
            }
        }
        return "";
    }
}
