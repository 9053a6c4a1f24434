package io.repobox.agent.codex;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.repobox.agent.event.AgentEvent;
import io.repobox.agent.event.EventRenderer;
import io.repobox.agent.event.SessionFacts;
import io.repobox.agent.event.ToolKind;
import io.repobox.agent.output.OutputLine;
import io.repobox.agent.output.OutputSink;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps the JSONL events of {@code codex exec --json} onto the provider-neutral {@link AgentEvent}s:
 * thread.started, turn.started/completed/failed, item.started/updated/completed (agent_message,
 * reasoning, command_execution, file_change, mcp_tool_call, web_search, todo_list, error) and the
 * top-level error events the CLI prints while it reconnects. {@code turn.completed} carries the
 * thread's running token totals; the differences become usage events. Lines that are not JSON pass
 * through unchanged. Called from the stdout reader thread only.
 */
final class CodexEvents {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** "Reconnecting... 2/5 (unexpected status 401 Unauthorized: …)". */
    private static final Pattern RECONNECTING = Pattern.compile("^Reconnecting\\.\\.\\. (\\d+)/(\\d+) \\((.*)\\)$", Pattern.DOTALL);
    /** "unexpected status 401 Unauthorized: …" or "… last status: 429 Too Many Requests". */
    private static final Pattern STATUS = Pattern.compile("(?:unexpected status|last status:) (\\d{3})");
    /** The shell wrapper the CLI puts around a command: /bin/bash -lc 'cmd'. */
    private static final Pattern SHELL_WRAPPER = Pattern.compile("^/\\S*/(?:ba|z|da)?sh -l?c '(.*)'$", Pattern.DOTALL);

    private final EventRenderer renderer;
    private final String cliVersion;
    private final String model;
    private final String sandbox;
    private final Set<String> started = new HashSet<>();
    private long inputTotal;
    private long outputTotal;
    private long cachedTotal;
    private int turns;
    private volatile String failure;
    private volatile boolean completed;

    CodexEvents(OutputSink sink, boolean rawEvents, String cliVersion, String model, String sandbox) {
        this.renderer = new EventRenderer(sink, rawEvents);
        this.cliVersion = cliVersion;
        this.model = model;
        this.sandbox = sandbox;
    }

    /** The message of the last {@code turn.failed}, or null. */
    String failure() {
        return failure;
    }

    /** Whether a turn completed. */
    boolean completed() {
        return completed;
    }

    SessionFacts facts() {
        return renderer.facts();
    }

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
            renderer.passThrough(timestamp, OutputLine.Stream.STDOUT, line);
            return;
        }
        String type = event.path("type").asText("");
        List<AgentEvent> out = new ArrayList<>();
        switch (type) {
            case "thread.started" -> out.add(new AgentEvent.SessionStarted("Codex", cliVersion, model, event.path("thread_id").asText(""),
                    Map.of("sandbox", sandbox)));
            case "turn.started" -> { }
            case "turn.completed" -> {
                turns++;
                completed = true;
                out.add(usage(event.path("usage")));
                out.add(new AgentEvent.FinalResult(true, "success", turns, null, null, ""));
            }
            case "turn.failed" -> {
                String message = event.path("error").path("message").asText("the turn failed");
                failure = message;
                SessionFacts facts = renderer.facts();
                boolean alreadyShown = facts.lastError() != null && facts.lastError().message().equals(message);
                out.add(new AgentEvent.FinalResult(false, "turn.failed", turns == 0 ? null : turns, null, null, alreadyShown ? "" : message));
            }
            case "error" -> out.add(error(event.path("message").asText("")));
            case "item.started", "item.updated", "item.completed" -> item(type, event.path("item"), out);
            default -> out.add(new AgentEvent.Unknown(type, event.toString()));
        }
        renderer.render(timestamp, line, type, out);
    }

    private void item(String phase, JsonNode item, List<AgentEvent> out) {
        String id = item.path("id").asText("");
        String type = item.path("type").asText("");
        boolean done = phase.equals("item.completed");
        switch (type) {
            case "agent_message" -> {
                if (done) {
                    out.add(new AgentEvent.AssistantText(item.path("text").asText("")));
                }
            }
            case "reasoning" -> {
                if (done) {
                    out.add(new AgentEvent.Thinking(item.path("text").asText("")));
                }
            }
            case "command_execution" -> {
                call(id, "shell", ToolKind.COMMAND, unwrap(item.path("command").asText("")), out);
                if (done) {
                    String output = item.path("aggregated_output").asText("");
                    JsonNode code = item.path("exit_code");
                    boolean ok = item.path("status").asText("").equals("completed") && (code.isMissingNode() || code.asInt(0) == 0);
                    out.add(new AgentEvent.ToolResult(id, "shell", ok, output.isBlank() && !code.isNull() && !code.isMissingNode()
                            ? "exit code " + code.asInt() : output));
                }
            }
            case "file_change" -> {
                List<String> changes = new ArrayList<>();
                for (JsonNode c : item.path("changes")) {
                    changes.add(c.path("kind").asText("update") + " " + c.path("path").asText("?"));
                }
                call(id, "apply_patch", ToolKind.EDIT, String.join(", ", changes), out);
                if (done) {
                    String status = item.path("status").asText("completed");
                    out.add(new AgentEvent.ToolResult(id, "apply_patch", status.equals("completed"), status));
                }
            }
            case "mcp_tool_call" -> {
                String name = item.path("server").asText("mcp") + "." + item.path("tool").asText("tool");
                call(id, name, ToolKind.OTHER, item.path("arguments").toString(), out);
                if (done) {
                    JsonNode error = item.path("error");
                    boolean ok = error.isMissingNode() || error.isNull();
                    out.add(new AgentEvent.ToolResult(id, name, ok, ok ? item.path("result").toString() : error.path("message").asText(error.toString())));
                }
            }
            case "web_search" -> {
                call(id, "web_search", ToolKind.WEB, item.path("query").asText(""), out);
                if (done) {
                    out.add(new AgentEvent.ToolResult(id, "web_search", true, "done"));
                }
            }
            case "todo_list" -> {
                int total = 0;
                int finished = 0;
                String next = "";
                for (JsonNode t : item.path("items")) {
                    total++;
                    if (t.path("completed").asBoolean(false)) {
                        finished++;
                    } else if (next.isEmpty()) {
                        next = t.path("text").asText("");
                    }
                }
                out.add(new AgentEvent.Notice("plan", finished + "/" + total + " done" + (next.isEmpty() ? "" : "; next: " + next)));
            }
            case "error" -> out.add(new AgentEvent.Notice("warning", item.path("message").asText("")));
            default -> out.add(new AgentEvent.Unknown(phase + "/" + type, item.toString()));
        }
    }

    /** The call, once per item: on item.started, or on item.completed when no start was seen. */
    private void call(String id, String name, ToolKind kind, String argument, List<AgentEvent> out) {
        if (started.add(id)) {
            out.add(new AgentEvent.ToolCall(id, name, kind, argument));
        }
    }

    /** A reconnect notice becomes a retry; anything else an error. */
    static AgentEvent error(String message) {
        Matcher m = RECONNECTING.matcher(message);
        if (m.matches()) {
            String reason = m.group(3);
            int status = status(reason);
            return new AgentEvent.ApiRetry(status, status == 0 ? words(reason) : "", Integer.parseInt(m.group(1)),
                    Integer.parseInt(m.group(2)), null);
        }
        int status = status(message);
        return new AgentEvent.ApiError(status == 0 ? null : status, message);
    }

    /** The HTTP status a CLI message names, or 0. */
    static int status(String message) {
        Matcher m = STATUS.matcher(message);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    private static String words(String reason) {
        return reason.contains("high demand") ? "server busy" : reason.length() > 80 ? reason.substring(0, 80) + "…" : reason;
    }

    private AgentEvent usage(JsonNode usage) {
        long input = usage.path("input_tokens").asLong(0);
        long output = usage.path("output_tokens").asLong(0);
        long cached = usage.path("cached_input_tokens").asLong(0);
        // The CLI reports the thread's running totals: the difference is this turn's use.
        AgentEvent e = new AgentEvent.Usage(Math.max(0, input - inputTotal), Math.max(0, output - outputTotal),
                Math.max(0, cached - cachedTotal), null);
        inputTotal = Math.max(inputTotal, input);
        outputTotal = Math.max(outputTotal, output);
        cachedTotal = Math.max(cachedTotal, cached);
        return e;
    }

    /** The command inside the CLI's shell wrapper, as the model wrote it. */
    static String unwrap(String command) {
        Matcher m = SHELL_WRAPPER.matcher(command);
        return m.matches() ? m.group(1).replace("'\\''", "'") : command;
    }
}
