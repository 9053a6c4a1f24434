package io.repobox.agent.claude;

import io.repobox.agent.AgentConfig;
import io.repobox.agent.AgentRequest;
import io.repobox.agent.AgentResult;
import io.repobox.agent.cli.CliAgent;
import io.repobox.agent.cli.CliTool;
import io.repobox.agent.cli.StateDirectory;
import io.repobox.agent.output.Durations;
import io.repobox.agent.output.OutputLine;
import io.repobox.agent.output.OutputSink;
import io.repobox.agent.process.LineHandler;
import io.repobox.agent.process.ProcessExecution;
import io.repobox.agent.process.ProcessResult;
import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * Runs the Claude Code CLI in print mode, once per request, as a {@link CliAgent}: the API key in the
 * CLI's environment only, stream-json rendered as it arrives, a rejected key stopping the CLI at once
 * instead of after minutes of retries. Thread-safe; serves concurrent requests.
 */
final class ClaudeAgent extends CliAgent<ClaudeSettings> {

    static final CliTool TOOL = new CliTool("claude", "Claude Code CLI", "npm install -g @anthropic-ai/claude-code");

    ClaudeAgent(AgentConfig config) {
        super(TOOL, config);
    }

    @Override
    public Optional<URI> apiEndpoint() {
        return Optional.of(URI.create(ClaudeSettings.of(config(), Map.of()).baseUrl()));
    }

    @Override
    protected ClaudeSettings settings(Map<String, String> options) {
        return ClaudeSettings.of(config(), options);
    }

    @Override
    protected Map<String, String> environment(ClaudeSettings settings, AgentRequest request, StateDirectory state, Map<String, String> base) {
        return environment(settings, request, base);
    }

    @Override
    protected List<String> command(ClaudeSettings settings, AgentRequest request) {
        return settings.command();
    }

    @Override
    protected Collection<String> secrets(ClaudeSettings settings) {
        return Stream.of(settings.apiKey(), settings.authToken()).filter(Objects::nonNull).toList();
    }

    @Override
    protected Run run(ClaudeSettings settings, AgentRequest request, OutputSink sink, String version) {
        AtomicReference<String> abortReason = new AtomicReference<>();
        AtomicReference<ProcessExecution> process = new AtomicReference<>();
        StreamJsonRenderer renderer = new StreamJsonRenderer(sink, settings.rawEvents(), retry -> {
            // With an API key a 401/403 does not pass; the CLI would retry it for minutes.
            if (abortReason.compareAndSet(null, authenticationMessage(retry.status(), settings))) {
                ProcessExecution p = process.get();
                if (p != null) {
                    p.cancel();
                }
            }
        });
        LineHandler lines = settings.streamJson()
                ? (stream, text, ts) -> {
                    if (stream == OutputLine.Stream.STDOUT) {
                        renderer.accept(text, ts);
                    } else {
                        sink.accept(new OutputLine(ts, stream, OutputLine.Source.AGENT, text));
                    }
                }
                : LineHandler.to(sink, OutputLine.Source.AGENT);
        return new Run() {
            @Override
            public void onLine(OutputLine.Stream stream, String text, long timestamp) {
                lines.onLine(stream, text, timestamp);
            }

            @Override
            public void started(ProcessExecution execution) {
                process.set(execution);
                if (abortReason.get() != null) {
                    execution.cancel();
                }
            }

            @Override
            public AgentResult outcome(ProcessResult p) {
                return ClaudeAgent.this.outcome(p, settings, renderer, abortReason.get());
            }
        };
    }

    /**
     * The CLI's environment: {@code base} (the host's, without what the caller withholds) minus CLAUDECODE,
     * plus the request's variables and the credentials.
     */
    static Map<String, String> environment(ClaudeSettings settings, AgentRequest request, Map<String, String> base) {
        Map<String, String> env = new LinkedHashMap<>(base);
        env.remove("CLAUDECODE"); // set when the runner itself runs inside Claude Code; the CLI then refuses to start
        env.remove("CLAUDE_CODE_ENTRYPOINT");
        if (settings.disableAutoupdater()) {
            env.put("DISABLE_AUTOUPDATER", "1"); // a runner upgrades its CLI deliberately, not in the middle of a job
        }
        env.putAll(request.environment());
        if (settings.configuredBaseUrl() != null) {
            env.put("ANTHROPIC_BASE_URL", settings.configuredBaseUrl());
        }
        if (settings.apiKey() != null) {
            env.put("ANTHROPIC_API_KEY", settings.apiKey());
        }
        if (settings.authToken() != null) {
            env.put("ANTHROPIC_AUTH_TOKEN", settings.authToken());
        }
        return env;
    }

    AgentResult outcome(ProcessResult p, ClaudeSettings settings, StreamJsonRenderer renderer, String abortReason) {
        Duration d = p.duration();
        StreamJsonRenderer.ResultEvent r = renderer.result();
        Map<String, String> details = details(r, renderer);
        if (abortReason != null) {
            return AgentResult.failed(null, abortReason, d, details);
        }
        if (p.outcome() == ProcessResult.Outcome.TIMED_OUT) {
            StreamJsonRenderer.ApiRetry retry = renderer.lastRetry();
            return AgentResult.timedOut(p.describe("Agent") + (retry == null ? "" : "; " + retry.describe()), d).withDetails(details);
        }
        Optional<AgentResult> unfinished = unfinished(p, details);
        if (unfinished.isPresent()) {
            return unfinished.get();
        }
        int code = p.exitCode().orElse(-1);
        if (r != null && (r.isError() || code != 0)) {
            return AgentResult.failed(code == 0 ? null : code, resultMessage(r, p, settings), d, details);
        }
        if (code != 0) {
            return AgentResult.failed(code, p.describe("Agent") + loginHint(p), d, details);
        }
        if (settings.streamJson() && r == null) {
            String tail = lastStderrLines(p);
            return AgentResult.failed(null, "Agent ended without reporting a result" + (tail.isEmpty() ? "" : ": " + tail), d, details);
        }
        return AgentResult.succeeded(successMessage(r, d) + refusals(r, settings), d, details);
    }

    private static String successMessage(StreamJsonRenderer.ResultEvent r, Duration d) {
        if (r == null) {
            return "Agent finished in " + Durations.format(d);
        }
        StringBuilder m = new StringBuilder("Agent finished");
        if (r.turns() != null) {
            m.append(": ").append(r.turns()).append(r.turns() == 1 ? " turn" : " turns");
        }
        m.append(", ").append(Durations.format(r.durationMs() != null ? Duration.ofMillis(r.durationMs()) : d));
        if (r.costUsd() != null) {
            m.append(String.format(Locale.ROOT, ", $%.4f", r.costUsd()));
        }
        return m.toString();
    }

    /** Tool calls the permission mode refused, with the settings that allow them; empty if none. */
    private String refusals(StreamJsonRenderer.ResultEvent r, ClaudeSettings settings) {
        if (r == null || r.permissionDenials() == 0) {
            return "";
        }
        return "; " + r.permissionDenials() + (r.permissionDenials() == 1 ? " tool call was" : " tool calls were")
                + " refused by the permission mode '" + settings.permissionMode() + "' (allow them with " + config().settingName("allowed-tools") + " or "
                + config().settingName("permission-mode") + ")";
    }

    private String resultMessage(StreamJsonRenderer.ResultEvent r, ProcessResult p, ClaudeSettings settings) {
        String text = apiErrorText(r.text());
        if (r.subtype().equals("error_max_budget_usd")) {
            return "Agent stopped by its cost budget of $" + settings.maxCostUsd() + " (" + config().settingName("max-cost-usd") + ")"
                    + (r.costUsd() == null ? "" : String.format(Locale.ROOT, " after spending $%.4f", r.costUsd()))
                    + (r.turns() == null ? "" : " in " + r.turns() + (r.turns() == 1 ? " turn" : " turns"))
                    + "; raise " + config().settingName("max-cost-usd") + " or narrow the prompt";
        }
        if (r.subtype().equals("error_max_turns")) {
            return "Agent stopped after reaching its maximum of " + (r.turns() == null ? "" : r.turns() + " ")
                    + "turns; raise " + config().settingName("max-turns") + " or narrow the prompt";
        }
        Integer status = r.apiErrorStatus();
        if (status != null) {
            return switch (status) {
                case 400 -> "The Anthropic API rejected the request (400 bad request): " + text;
                case 401, 403 -> "Authentication rejected by the Anthropic API (" + status + "): " + text
                        + "; check " + config().settingName("api-key");
                case 429 -> "Rate limited by the Anthropic API (429) until the CLI's retries ran out: " + text;
                case 529 -> "The Anthropic API was overloaded (529) until the CLI's retries ran out: " + text;
                default -> "The Anthropic API failed (" + status + "): " + text;
            };
        }
        if (r.subtype().equals("error_during_execution")) {
            String detail = text.isBlank() ? lastStderrLines(p) : text;
            return "Agent failed during execution" + (detail.isEmpty() ? "" : ": " + detail);
        }
        return "Agent reported an error: " + (text.isBlank() ? r.subtype() : text) + loginHint(text);
    }

    private static String lastStderrLines(ProcessResult p) {
        return lastStderrLines(p, line -> true);
    }

    /**
     * The message inside an "API Error: 400 {json}" result (older CLIs), or after the "API Error: 400 "
     * prefix (current ones), else the text, bounded.
     */
    private static String apiErrorText(String text) {
        int brace = text.indexOf('{');
        if (text.startsWith("API Error") && brace > 0) {
            int at = text.indexOf("\"message\":\"", brace);
            if (at > 0) {
                int end = text.indexOf('"', at + 11);
                if (end > at) {
                    return text.substring(at + 11, end);
                }
            }
        }
        java.util.regex.Matcher prefix = java.util.regex.Pattern.compile("^API Error: \\d{3} ").matcher(text);
        if (prefix.find()) {
            text = text.substring(prefix.end());
        }
        String oneLine = text.strip().replace('\n', ' ');
        return oneLine.length() > 500 ? oneLine.substring(0, 500) + "…" : oneLine;
    }

    private String loginHint(ProcessResult p) {
        return loginHint(String.join(" ", p.stderrTail()));
    }

    /**
     * What to do when the CLI says it has no credentials: older CLIs print that on stderr and exit,
     * current ones (2.x) report it as an error result on stdout ("Not logged in · Please run /login").
     */
    private String loginHint(String said) {
        String text = said.toLowerCase(Locale.ROOT);
        return text.contains("/login") || text.contains("api key") || text.contains("not logged in")
                ? " (the CLI has no valid credentials: set " + config().settingName("api-key") + ")" : "";
    }

    String authenticationMessage(int status, ClaudeSettings settings) {
        return "Authentication rejected by the Anthropic API (" + status + "): "
                + (settings.apiKey() == null && settings.authToken() == null
                ? "no " + config().settingName("api-key") + " is set and the CLI is not logged in"
                : "the API key was refused; check " + config().settingName("api-key"));
    }

    /** The session's facts (the job record's agent_* fields) and what only Claude reports. */
    private static Map<String, String> details(StreamJsonRenderer.ResultEvent r, StreamJsonRenderer renderer) {
        Map<String, String> d = new LinkedHashMap<>(renderer.facts().details());
        if (r == null) {
            return d;
        }
        if (r.sessionId() != null) {
            d.put("agent_session_id", r.sessionId());
        }
        if (r.durationMs() != null) {
            d.put("agent_duration_ms", r.durationMs().toString());
        }
        if (!r.subtype().isEmpty()) {
            d.put("result_subtype", r.subtype());
        }
        if (r.apiErrorStatus() != null) {
            d.put("api_error_status", r.apiErrorStatus().toString());
        }
        return d;
    }

}
