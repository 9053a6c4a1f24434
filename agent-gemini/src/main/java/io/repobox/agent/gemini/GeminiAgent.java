package io.repobox.agent.gemini;

import io.repobox.agent.Agent;
import io.repobox.agent.AgentConfig;
import io.repobox.agent.AgentConfigException;
import io.repobox.agent.AgentExecution;
import io.repobox.agent.AgentRequest;
import io.repobox.agent.AgentResult;
import io.repobox.agent.cli.CliVersion;
import io.repobox.agent.cli.StateDirectory;
import io.repobox.agent.event.AgentEvent;
import io.repobox.agent.event.EventRenderer;
import io.repobox.agent.event.SessionFacts;
import io.repobox.agent.output.Durations;
import io.repobox.agent.output.OutputLine;
import io.repobox.agent.output.OutputSink;
import io.repobox.agent.output.SecretMasker;
import io.repobox.agent.process.Executables;
import io.repobox.agent.process.LineHandler;
import io.repobox.agent.process.ProcessExecution;
import io.repobox.agent.process.ProcessResult;
import io.repobox.agent.process.ProcessSpec;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the Gemini CLI headless, once per request, through the process core: the prompt on stdin,
 * the key in the CLI's environment only, a per-request settings file (API-key authentication, no
 * usage statistics, the turn limit) in a state directory outside the repository, the stream-json
 * events rendered as they arrive, the whole process tree stopped on timeout or cancel.
 * Thread-safe; serves concurrent requests.
 */
final class GeminiAgent implements Agent {

    static final String INSTALL_HINT = "install it with 'npm install -g @google/gemini-cli', or set AI_CLI_PATH";
    static final String UPGRADE_HINT = "upgrade it with 'npm install -g @google/gemini-cli'";

    private static final Logger log = LoggerFactory.getLogger(GeminiAgent.class);

    private final AgentConfig config;
    private final AtomicReference<String> checkedVersion = new AtomicReference<>();
    private final AtomicBoolean costWarned = new AtomicBoolean();

    GeminiAgent(AgentConfig config) {
        this.config = config;
    }

    @Override
    public Optional<URI> apiEndpoint() {
        return Optional.of(URI.create(GeminiSettings.of(config, Map.of()).baseUrl()));
    }

    @Override
    public AgentExecution start(AgentRequest request, OutputSink sink) {
        GeminiSettings settings;
        try {
            settings = GeminiSettings.of(config, request.options());
        } catch (AgentConfigException e) {
            return ended(AgentResult.internalError("Agent could not start: " + e.getMessage(), Duration.ZERO));
        }
        if (settings.apiKey() == null) {
            return ended(AgentResult.internalError("Agent could not start: the Gemini CLI has no API key; set GEMINI_API_KEY for the runner",
                    Duration.ZERO));
        }
        if (settings.maxCostUsd() != null && costWarned.compareAndSet(false, true)) {
            log.warn("AI_MAX_COST_USD is not enforced for gemini: the CLI reports tokens, not cost; AI_TIMEOUT and AI_MAX_TURNS bound the run");
        }
        StateDirectory state;
        Map<String, String> env;
        try {
            state = StateDirectory.prepare(request, "gemini");
            env = environment(settings, request, state, config.environmentPolicy().inherited());
        } catch (IOException e) {
            return ended(AgentResult.internalError("Agent could not start: the Gemini CLI's settings could not be written: " + e.getMessage(),
                    Duration.ZERO));
        }
        String version = checkVersion(settings, request.workingDirectory(), env);
        if (version.startsWith("!")) {
            state.close();
            return ended(AgentResult.internalError("Agent could not start: " + version.substring(1), Duration.ZERO));
        }
        List<String> secrets = new ArrayList<>(request.secrets());
        secrets.add(settings.apiKey());
        SecretMasker masker = SecretMasker.of(secrets);
        GeminiEvents events = new GeminiEvents(sink, settings.rawEvents(), version);
        LineHandler handler = (stream, text, ts) -> {
            if (stream == OutputLine.Stream.STDOUT) {
                events.accept(text, ts);
            } else {
                events.acceptStderr(text, ts);
            }
        };
        ProcessSpec spec = ProcessSpec.builder(settings.command())
                .name("gemini for job " + request.jobId())
                .workingDirectory(request.workingDirectory())
                .environment(env)
                .stdin(request.prompt())
                .timeout(request.timeout())
                .idleTimeout(request.idleTimeout())
                .gracePeriod(settings.gracePeriod())
                .maxLineBytes(settings.maxLineBytes())
                .masker(masker)
                .build();
        ProcessExecution started = request.launcher().start(spec, handler);
        CompletableFuture<AgentResult> result = started.completion().toCompletableFuture()
                .thenApply(p -> {
                    events.finish(System.currentTimeMillis());
                    return masked(outcome(p, settings, events), masker);
                })
                .whenComplete((r, e) -> state.close());
        return AgentExecution.of(result, started::cancel);
    }

    /**
     * The CLI's environment: {@code base} (the runner's, its secrets already removed), the request's
     * variables, the per-request settings (GEMINI_CLI_HOME: the CLI's ~/.gemini), the endpoint and the
     * key. Variables that would point the CLI at other settings are removed.
     */
    static Map<String, String> environment(GeminiSettings settings, AgentRequest request, StateDirectory state, Map<String, String> base)
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

    /** The version, or "!" and what is wrong; checked once per runner (failures are not cached). */
    private String checkVersion(GeminiSettings settings, Path workingDirectory, Map<String, String> env) {
        String known = checkedVersion.get();
        if (known != null) {
            return known;
        }
        Executables.Resolution found = Executables.resolve(settings.cliPath(), workingDirectory, env);
        if (found.path() == null) {
            return "!" + found.message() + " (" + INSTALL_HINT + ")";
        }
        CliVersion version = CliVersion.probe(found.path().toString(), env);
        if (version.version() == null) {
            return "!" + version.error();
        }
        if (!CliVersion.atLeast(version.version(), settings.minVersion())) {
            return "!gemini " + version.version() + " at " + found.path() + " is older than the supported minimum " + settings.minVersion()
                    + "; " + UPGRADE_HINT;
        }
        if (checkedVersion.compareAndSet(null, version.version())) {
            log.info("Using Gemini CLI {} at {}", version.version(), found.path());
        }
        return version.version();
    }

    static AgentResult outcome(ProcessResult p, GeminiSettings settings, GeminiEvents events) {
        Duration d = p.duration();
        SessionFacts facts = events.facts();
        Map<String, String> details = facts.details();
        switch (p.outcome()) {
            case TIMED_OUT -> {
                AgentEvent.ApiRetry retry = facts.lastRetry();
                return AgentResult.timedOut(p.describe("Agent") + (retry == null ? "" : "; the Gemini API answered " + retry.status() + " ("
                        + EventRenderer.statusWords(retry.status(), retry.error()) + "); the CLI was at attempt " + retry.attempt()), d)
                        .withDetails(details);
            }
            case IDLE, CANCELLED -> {
                return AgentResult.fromProcess(p, "").withDetails(details);
            }
            case FAILED_TO_START, ERROR -> {
                return AgentResult.fromProcess(p, "(" + INSTALL_HINT + ")");
            }
            default -> {
                // EXITED
            }
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
    static String failureMessage(int code, String error, GeminiSettings settings, String stderr) {
        Integer status = GeminiEvents.apiStatus(error);
        if (status == null && code >= 128 && code < 256) {
            status = code + 256; // the CLI exits with the API's status mod 256: 400 → 144
        }
        String detail = status != null && !error.isEmpty() ? GeminiEvents.apiMessage(error) : error.isEmpty() ? stderr : error;
        if (code == 53) {
            return "Agent stopped after reaching its maximum of " + (settings.maxTurns() == null ? "" : settings.maxTurns() + " ")
                    + "turns; raise AI_MAX_TURNS or narrow the prompt";
        }
        if (code == 41) {
            return "The Gemini CLI refused its authentication settings (exit 41): " + detail + "; set GEMINI_API_KEY for the runner";
        }
        if (status != null) {
            return switch (status) {
                case 400 -> "The Gemini API rejected the request (400 bad request): " + detail
                        + (detail.contains("API key") ? "; check GEMINI_API_KEY" : "");
                case 401, 403 -> "Authentication rejected by the Gemini API (" + status + "): " + detail + "; check GEMINI_API_KEY";
                case 404 -> "The Gemini API at " + settings.baseUrl() + " answered 404 (not found): " + detail + "; check AI_BASE_URL and AI_MODEL";
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
        List<String> lines = p.stderrTail().stream().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("at ") && !l.startsWith("YOLO mode") && !l.startsWith("Warning: 256-color")).toList();
        return String.join(" · ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
    }

    private static AgentResult masked(AgentResult r, SecretMasker masker) {
        String message = masker.mask(r.message());
        return message.equals(r.message()) ? r : new AgentResult(r.outcome(), r.exitCode(), message, r.duration(), r.details());
    }

    private static AgentExecution ended(AgentResult result) {
        return AgentExecution.of(CompletableFuture.completedFuture(result), () -> { });
    }
}
