package io.repobox.agent.event;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One thing an agent CLI reported, in terms common to every provider. A provider parses its CLI's
 * stream into these; {@link EventRenderer} turns them into output lines and {@link SessionFacts}.
 * Text fields are never null (empty when the CLI said nothing); boxed numbers are null when the
 * CLI did not report them.
 */
public sealed interface AgentEvent {

    /**
     * The session began.
     *
     * @param agent      the CLI's product name ("Claude Code", "Codex", "Gemini CLI")
     * @param cliVersion the CLI's version, if known
     * @param model      the model, if known
     * @param sessionId  the CLI's session or thread id, if known
     * @param facts      further facts worth one glance (for example "permission mode" → "acceptEdits"), in order
     */
    record SessionStarted(String agent, String cliVersion, String model, String sessionId, Map<String, String> facts)
            implements AgentEvent {
        public SessionStarted {
            Objects.requireNonNull(agent, "agent");
            facts = Collections.unmodifiableMap(new LinkedHashMap<>(facts));
        }
    }

    /** Text the assistant wrote for the user; may span lines. */
    record AssistantText(String text) implements AgentEvent {
        public AssistantText {
            Objects.requireNonNull(text, "text");
        }
    }

    /** The model's reasoning, or its summary. */
    record Thinking(String summary) implements AgentEvent {
        public Thinking {
            Objects.requireNonNull(summary, "summary");
        }
    }

    /**
     * The agent called a tool.
     *
     * @param id       the call's id, used to match its result; may be empty
     * @param name     the tool's name as the CLI calls it
     * @param kind     what the tool does
     * @param argument its main argument (path, command, pattern, URL), or empty
     */
    record ToolCall(String id, String name, ToolKind kind, String argument) implements AgentEvent {
        public ToolCall {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(argument, "argument");
        }
    }

    /**
     * A tool call ended.
     *
     * @param id     the call's id
     * @param name   the tool's name, or null to take it from the call with the same id
     * @param ok     false when the tool failed or was refused
     * @param output what the tool printed or answered (the renderer shows its first line)
     */
    record ToolResult(String id, String name, boolean ok, String output) implements AgentEvent {
        public ToolResult {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(output, "output");
        }
    }

    /**
     * The CLI will retry a failed model API call.
     *
     * @param status     the HTTP status, or 0 when there was none (a network error)
     * @param error      the error's type or words, may be empty
     * @param attempt    which retry this is, if known
     * @param maxRetries how many retries the CLI makes, if known
     * @param delay      how long the CLI waits before it, if known
     */
    record ApiRetry(int status, String error, Integer attempt, Integer maxRetries, Duration delay) implements AgentEvent {
        public ApiRetry {
            Objects.requireNonNull(error, "error");
        }
    }

    /** A model API call or the CLI failed; the session may go on (a non-fatal error) or end. */
    record ApiError(Integer status, String message) implements AgentEvent {
        public ApiError {
            Objects.requireNonNull(message, "message");
        }
    }

    /**
     * Tokens used since the previous usage event (increments, not running totals), and the cost
     * of them where the CLI reports one.
     */
    record Usage(long inputTokens, long outputTokens, long cachedTokens, Double costUsd) implements AgentEvent {
    }

    /** The CLI's permission settings refused a tool call. */
    record PermissionDenied(String tool, String argument) implements AgentEvent {
        public PermissionDenied {
            Objects.requireNonNull(tool, "tool");
            Objects.requireNonNull(argument, "argument");
        }
    }

    /** Something worth a line that is not one of the above (a sub-task started or ended, a hook ran, …). */
    record Notice(String label, String text) implements AgentEvent {
        public Notice {
            Objects.requireNonNull(label, "label");
            Objects.requireNonNull(text, "text");
        }
    }

    /** An event the provider does not know: shown in a generic, bounded form so that nothing is lost. */
    record Unknown(String type, String compactJson) implements AgentEvent {
        public Unknown {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(compactJson, "compactJson");
        }
    }

    /**
     * The session ended.
     *
     * @param ok       whether the agent finished its work
     * @param reason   the CLI's word for how it ended ("success", "error_max_turns", …), may be empty
     * @param turns    agent turns, if reported
     * @param duration how long the CLI says it took, if reported
     * @param costUsd  the session's total cost, if reported
     * @param message  the final answer, or the error; may be empty
     */
    record FinalResult(boolean ok, String reason, Integer turns, Duration duration, Double costUsd, String message)
            implements AgentEvent {
        public FinalResult {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(message, "message");
        }
    }
}
