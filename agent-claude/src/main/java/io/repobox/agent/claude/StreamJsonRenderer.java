package io.repobox.agent.claude;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.repobox.agent.Durations;
import io.repobox.agent.OutputLine;
import io.repobox.agent.OutputSink;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Turns the CLI's stream-json events into lines a person can follow, as they arrive: the
 * assistant's text, each tool call with its main argument, a summary of each tool result, API
 * retries, and the final summary. Unknown event or block types are passed on in a generic form,
 * and a line that is not JSON is passed on as it is, so nothing the CLI prints is lost. The raw
 * event rides along on the first line rendered from it ({@link OutputLine#event()}).
 *
 * <p>It also keeps what the result needs: the {@code result} event and the last API retry.
 * Called from the stdout reader thread only.
 */
final class StreamJsonRenderer {

    /** The final {@code result} event, reduced to what the result and the job record need. */
    record ResultEvent(String subtype, boolean isError, Integer apiErrorStatus, String text, String sessionId, Integer turns,
                       Long durationMs, Double costUsd) {
    }

    /** The last {@code api_retry} event. */
    record ApiRetry(int status, String error, int attempt, int maxRetries, long delayMs) {
        String describe() {
            return "the Anthropic API answered " + status + " (" + statusWords(status, error) + "); the CLI was at retry " + attempt
                    + " of " + maxRetries;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_RAW_EVENT_CHARS = 64 * 1024;
    private static final int MAX_ARGUMENT_CHARS = 200;
    private static final int MAX_RENDERED_CHARS = 16 * 1024;
    private static final String[] MAIN_ARGUMENTS = {"command", "file_path", "notebook_path", "pattern", "url", "query", "path",
        "description", "prompt", "skill", "subject"};

    private final OutputSink sink;
    private final boolean rawEvents;
    private final Consumer<ApiRetry> onAuthenticationFailure;
    private final Map<String, String> toolNames = new ConcurrentHashMap<>();
    private volatile ResultEvent result;
    private volatile ApiRetry lastRetry;

    StreamJsonRenderer(OutputSink sink, boolean rawEvents, Consumer<ApiRetry> onAuthenticationFailure) {
        this.sink = sink;
        this.rawEvents = rawEvents;
        this.onAuthenticationFailure = onAuthenticationFailure;
    }

    ResultEvent result() {
        return result;
    }

    ApiRetry lastRetry() {
        return lastRetry;
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
            sink.accept(new OutputLine(timestamp, OutputLine.Stream.STDOUT, OutputLine.Source.AGENT, line));
            return;
        }
        Emitter out = new Emitter(timestamp, rawEvents && line.length() <= MAX_RAW_EVENT_CHARS ? line : null);
        String type = event.path("type").asText("");
        switch (type) {
            case "system" -> system(event, out);
            case "assistant" -> assistant(event, out);
            case "user" -> user(event, out);
            case "result" -> result(event, out);
            default -> out.line(generic(type, event));
        }
        out.finish(type);
    }

    private void system(JsonNode e, Emitter out) {
        String subtype = e.path("subtype").asText("");
        switch (subtype) {
            case "init" -> out.line("Claude Code " + e.path("claude_code_version").asText("?") + " · model " + e.path("model").asText("?")
                    + " · permission mode " + e.path("permissionMode").asText("?") + " · session " + e.path("session_id").asText("?"));
            case "api_retry" -> {
                ApiRetry retry = new ApiRetry(e.path("error_status").asInt(0), e.path("error").asText(""), e.path("attempt").asInt(0),
                        e.path("max_retries").asInt(0), e.path("retry_delay_ms").asLong(0));
                lastRetry = retry;
                out.line("API " + statusWords(retry.status(), retry.error()) + " (" + retry.status() + ") — retry " + retry.attempt()
                        + " of " + retry.maxRetries() + " in " + Durations.format(Duration.ofMillis(retry.delayMs())));
                if (retry.status() == 401 || retry.status() == 403) {
                    onAuthenticationFailure.accept(retry);
                }
            }
            default -> out.line(generic("system/" + subtype, e));
        }
    }

    private void assistant(JsonNode e, Emitter out) {
        for (JsonNode block : e.path("message").path("content")) {
            String type = block.path("type").asText("");
            switch (type) {
                case "text" -> {
                    for (String line : block.path("text").asText("").split("\n", -1)) {
                        out.line(line);
                    }
                }
                case "tool_use" -> {
                    String name = block.path("name").asText("tool");
                    toolNames.put(block.path("id").asText(""), name);
                    String argument = mainArgument(block.path("input"));
                    out.line("→ " + name + (argument.isEmpty() ? "" : ": " + argument));
                }
                case "thinking" -> out.line("(thinking) " + firstLine(block.path("thinking").asText(""), MAX_ARGUMENT_CHARS));
                default -> out.line(generic("assistant/" + type, block));
            }
        }
    }

    private void user(JsonNode e, Emitter out) {
        JsonNode content = e.path("message").path("content");
        if (!content.isArray()) {
            return; // the prompt echoed back: already known
        }
        for (JsonNode block : content) {
            String type = block.path("type").asText("");
            if (type.equals("tool_result")) {
                String name = toolNames.getOrDefault(block.path("tool_use_id").asText(""), "tool");
                String text = resultText(block.path("content"));
                long lines = text.isEmpty() ? 0 : text.lines().count();
                boolean error = block.path("is_error").asBoolean(false);
                out.line("← " + name + (error ? " failed: " : ": ") + (text.isBlank() ? "(no output)" : firstLine(text, MAX_ARGUMENT_CHARS))
                        + (lines > 1 ? " (" + lines + " lines)" : ""));
            } else if (!type.equals("text")) {
                out.line(generic("user/" + type, block));
            }
        }
    }

    private void result(JsonNode e, Emitter out) {
        ResultEvent r = new ResultEvent(e.path("subtype").asText(""), e.path("is_error").asBoolean(false),
                e.hasNonNull("api_error_status") ? e.path("api_error_status").asInt() : null, e.path("result").asText(""),
                e.path("session_id").asText(null), e.hasNonNull("num_turns") ? e.path("num_turns").asInt() : null,
                e.hasNonNull("duration_ms") ? e.path("duration_ms").asLong() : null,
                e.hasNonNull("total_cost_usd") ? e.path("total_cost_usd").asDouble() : null);
        result = r;
        StringBuilder summary = new StringBuilder(r.isError() ? "Result: error" : "Result: success");
        if (!r.subtype().isEmpty() && !r.subtype().equals("success")) {
            summary.append(" (").append(r.subtype()).append(')');
        }
        if (r.turns() != null) {
            summary.append(" · ").append(r.turns()).append(r.turns() == 1 ? " turn" : " turns");
        }
        if (r.durationMs() != null) {
            summary.append(" · ").append(Durations.format(Duration.ofMillis(r.durationMs())));
        }
        if (r.costUsd() != null) {
            summary.append(String.format(Locale.ROOT, " · $%.4f", r.costUsd()));
        }
        out.line(summary.toString());
        if (r.isError() && !r.text().isBlank()) {
            out.line(firstLine(r.text(), 1000));
        }
    }

    /** A line for an event this renderer does not know: its type and a compact, bounded form of it. */
    private static String generic(String type, JsonNode node) {
        String compact = node.toString();
        return "[" + (type.isEmpty() ? "event" : type) + "] " + (compact.length() > 300 ? compact.substring(0, 300) + "…" : compact);
    }

    private static String mainArgument(JsonNode input) {
        for (String field : MAIN_ARGUMENTS) {
            JsonNode v = input.get(field);
            if (v != null && v.isValueNode() && !v.asText().isBlank()) {
                return firstLine(v.asText(), MAX_ARGUMENT_CHARS);
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

    private static String firstLine(String text, int max) {
        String stripped = text.strip();
        int nl = stripped.indexOf('\n');
        String first = nl < 0 ? stripped : stripped.substring(0, nl) + " …";
        return first.length() > max ? first.substring(0, max) + "…" : first;
    }

    static String statusWords(int status, String error) {
        return switch (status) {
            case 400 -> "bad request";
            case 401 -> "authentication rejected";
            case 403 -> "permission denied";
            case 404 -> "not found";
            case 413 -> "request too large";
            case 429 -> "rate limited";
            case 500 -> "internal error";
            case 529 -> "overloaded";
            default -> error.isBlank() ? "error" : error.replace('_', ' ');
        };
    }

    /** Emits the lines of one event; the raw event goes with the first. */
    private final class Emitter {
        private final long timestamp;
        private String raw;
        private boolean any;

        Emitter(long timestamp, String raw) {
            this.timestamp = timestamp;
            this.raw = raw;
        }

        void line(String text) {
            // A rendered line is bounded like a raw one: very long text becomes several lines.
            int from = 0;
            do {
                int to = Math.min(text.length(), from + MAX_RENDERED_CHARS);
                if (to < text.length() && Character.isHighSurrogate(text.charAt(to - 1))) {
                    to--; // never split a surrogate pair
                }
                sink.accept(new OutputLine(timestamp, OutputLine.Stream.STDOUT, OutputLine.Source.AGENT, text.substring(from, to), raw));
                raw = null;
                any = true;
                from = to;
            } while (from < text.length());
        }

        /** An event that rendered to nothing still reaches consumers that want raw events. */
        void finish(String type) {
            if (!any && raw != null) {
                line("[" + type + "]");
            }
        }
    }
}
