package io.repobox.agent.gemini;

import io.repobox.agent.AgentConfig;
import io.repobox.agent.AgentRequest;
import io.repobox.agent.AgentResult;
import io.repobox.agent.cli.CliAgent;
import io.repobox.agent.cli.CliTool;
import io.repobox.agent.cli.StateDirectory;
import io.repobox.agent.event.AgentEvent;
import io.repobox.agent.event.EventRenderer;
import io.repobox.agent.event.SessionFacts;
import io.repobox.agent.output.Durations;
import io.repobox.agent.output.OutputLine;
import io.repobox.agent.output.OutputSink;
import io.repobox.agent.process.ProcessResult;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the Gemini CLI headless, once per request, as a {@link CliAgent}: the key in the CLI's
 * environment only, a per-request settings file (API-key authentication, no usage statistics, the
 * turn limit) in a state directory outside the repository, the stream-json events rendered as they
 * arrive. Thread-safe; serves concurrent requests.
 */
final class GeminiAgent extends CliAgent<GeminiSettings> {

    static final CliTool TOOL = new CliTool("gemini", "Gemini CLI", "npm install -g @google/gemini-cli");

    private static final Logger log = LoggerFactory.getLogger(GeminiAgent.class);

    private final AtomicBoolean costWarned = new AtomicBoolean();

    GeminiAgent(AgentConfig config) {
        super(TOOL, config);
    }

    @Override
    public Optional<URI> apiEndpoint() {
        return Optional.of(URI.create(GeminiSettings.of(config(), Map.of()).baseUrl()));
    }

    @Override
    protected GeminiSettings settings(Map<String, String> options) {
        return GeminiSettings.of(config(), options);
    }

    @Override
    protected String refusal(GeminiSettings settings) {
        return settings.apiKey() == null ? "the Gemini CLI has no API key; set " + config().settingName("api-key") : null;
    }

    @Override
    protected boolean keepsState() {
        return true;
    }

    @Override
    protected List<String> command(GeminiSettings settings, AgentRequest request) {
        return settings.command();
    }

    @Override
    protected Collection<String> secrets(GeminiSettings settings) {
        return List.of(settings.apiKey());
    }

    @Override
    protected Run run(GeminiSettings settings, AgentRequest request, OutputSink sink, String version) {
        if (settings.maxCostUsd() != null && costWarned.compareAndSet(false, true)) {
            log.warn("{} is not enforced for gemini: the CLI reports tokens, not cost; the request's timeout and {} bound the run",
                    config().settingName("max-cost-usd"), config().settingName("max-turns"));
        }
        GeminiEvents events = new GeminiEvents(sink, settings.rawEvents(), version);
        return new Run() {
            @Override
            public void onLine(OutputLine.Stream stream, String text, long timestamp) {
                if (stream == OutputLine.Stream.STDOUT) {
                    events.accept(text, timestamp);
                } else {
                    events.acceptStderr(text, timestamp);
                }
            }

            @Override
            public AgentResult outcome(ProcessResult process) {
                events.finish(System.currentTimeMillis());
                return GeminiAgent.this.outcome(process, settings, events);
            }
        };
    }

    /**
     * The CLI's environment: {@code base} (the host's, without what the caller withholds), the request's
     * variables, the per-request settings (GEMINI_CLI_HOME: the CLI's ~/.gemini), the endpoint and the
     * key. Variables that would point the CLI at other settings are removed.
     */
    @Override
    protected Map<String, String> environment(GeminiSettings settings, AgentRequest request, StateDirectory state, Map<String, String> base)
            throws IOException {
        Map<String, String> env = new LinkedHashMap<>(base);
        env.keySet().removeAll(List.of("GEMINI_CLI_HOME", "GEMINI_CLI_SYSTEM_SETTINGS_PATH", "GEMINI_CLI_SYSTEM_DEFAULTS_PATH",
                "GOOGLE_GEMINI_BASE_URL", "GOOGLE_GENAI_USE_VERTEXAI", "GOOGLE_GENAI_USE_GCA"));
        env.putAll(request.environment());
        Path settingsFile = state.directory(".gemini").resolve("settings.json");
        Files.writeString(settingsFile, settings.settingsJson(), StandardCharsets.UTF_8);
        env.put("GEMINI_CLI_HOME", state.path().toString());
        if (!request.environment().containsKey("TMPDIR")) {
            // The CLI writes error reports (with the conversation) to the temp dir: keep them with the job.
            env.put("TMPDIR", state.directory(".tmp").toString());
        }
        if (settings.configuredBaseUrl() != null) {
            env.put("GOOGLE_GEMINI_BASE_URL", settings.configuredBaseUrl());
        }
        env.put("GEMINI_API_KEY", settings.apiKey());
        return env;
    }

    AgentResult outcome(ProcessResult p, GeminiSettings settings, GeminiEvents events) {
        Duration d = p.duration();
        SessionFacts facts = events.facts();
        Map<String, String> details = facts.details();
        if (p.outcome() == ProcessResult.Outcome.TIMED_OUT) {
            AgentEvent.ApiRetry retry = facts.lastRetry();
            return AgentResult.timedOut(p.describe("Agent") + (retry == null ? "" : "; the Gemini API answered " + retry.status() + " ("
                    + EventRenderer.statusWords(retry.status(), retry.error()) + "); the CLI was at attempt " + retry.attempt()), d)
                    .withDetails(details);
        }
        Optional<AgentResult> unfinished = unfinished(p, details);
        if (unfinished.isPresent()) {
            return unfinished.get();
        }
        int code = p.exitCode().orElse(-1);
        boolean ok = events.result() != null && events.result().path("status").asText("").equals("success");
        if (code == 0 && ok) {
            StringBuilder m = new StringBuilder("Agent finished in ").append(Durations.format(d));
            if (facts.inputTokens() != null) {
                m.append(", ").append(facts.inputTokens()).append(" tokens in, ").append(facts.outputTokens()).append(" out");
            }
            return AgentResult.succeeded(m.toString(), d, details);
        }
        String error = events.result() == null ? "" : events.result().path("error").path("message").asText("");
        return AgentResult.failed(code == 0 ? null : code, failureMessage(code, error, settings, lastStderrLines(p)), d, details);
    }

    /** What a failed run means, from the result's error and the exit code (an HTTP status mod 256 above 100). */
    String failureMessage(int code, String error, GeminiSettings settings, String stderr) {
        Integer status = GeminiEvents.apiStatus(error);
        if (status == null && code >= 128 && code < 256) {
            status = code + 256; // the CLI exits with the API's status mod 256: 400 → 144
        }
        String detail = status != null && !error.isEmpty() ? GeminiEvents.apiMessage(error) : error.isEmpty() ? stderr : error;
        if (code == 53) {
            return "Agent stopped after reaching its maximum of " + (settings.maxTurns() == null ? "" : settings.maxTurns() + " ")
                    + "turns; raise " + config().settingName("max-turns") + " or narrow the prompt";
        }
        if (code == 41) {
            return "The Gemini CLI refused its authentication settings (exit 41): " + detail + "; set " + config().settingName("api-key");
        }
        if (status != null) {
            return switch (status) {
                case 400 -> "The Gemini API rejected the request (400 bad request): " + detail
                        + (detail.contains("API key") ? "; check " + config().settingName("api-key") : "");
                case 401, 403 -> "Authentication rejected by the Gemini API (" + status + "): " + detail + "; check " + config().settingName("api-key");
                case 404 -> "The Gemini API at " + settings.baseUrl() + " answered 404 (not found): " + detail + "; check " + config().settingName("base-url")
                        + " and " + config().settingName("model");
                case 429 -> "Rate limited by the Gemini API (429) until the CLI's retries ran out: " + detail;
                default -> "The Gemini API failed (" + status + "): " + detail;
            };
        }
        if (code == 0) {
            return "Agent ended without reporting a result" + (detail.isEmpty() ? "" : ": " + detail);
        }
        return "Agent exited with code " + code + (detail.isEmpty() ? "" : ": " + detail);
    }

    private static String lastStderrLines(ProcessResult p) {
        return lastStderrLines(p, line -> !line.startsWith("at ") && !line.startsWith("YOLO mode") && !line.startsWith("Warning: 256-color"));
    }
}
