package io.repobox.agent.codex;

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
 * Runs {@code codex exec --json} once per request through the process core: the prompt on stdin,
 * the key in the CLI's environment only, the CLI's state (CODEX_HOME) in a per-request directory
 * outside the repository, the events rendered as they arrive, the whole process tree stopped on
 * timeout or cancel. Thread-safe; serves concurrent requests.
 */
final class CodexAgent implements Agent {

    static final String INSTALL_HINT = "install it with 'npm install -g @openai/codex', or set AI_CLI_PATH";
    static final String UPGRADE_HINT = "upgrade it with 'npm install -g @openai/codex'";

    private static final Logger log = LoggerFactory.getLogger(CodexAgent.class);

    private final AgentConfig config;
    private final AtomicReference<String> checkedVersion = new AtomicReference<>();
    private final AtomicBoolean budgetsWarned = new AtomicBoolean();

    CodexAgent(AgentConfig config) {
        this.config = config;
    }

    @Override
    public Optional<URI> apiEndpoint() {
        return Optional.of(URI.create(CodexSettings.of(config, Map.of()).baseUrl()));
    }

    @Override
    public AgentExecution start(AgentRequest request, OutputSink sink) {
        CodexSettings settings;
        try {
            settings = CodexSettings.of(config, request.options());
        } catch (AgentConfigException e) {
            return ended(AgentResult.internalError("Agent could not start: " + e.getMessage(), Duration.ZERO));
        }
        if (settings.apiKey() == null) {
            return ended(AgentResult.internalError("Agent could not start: the Codex CLI has no API key; set OPENAI_API_KEY (or CODEX_API_KEY) "
                    + "for the runner", Duration.ZERO));
        }
        warnAboutBudgets(settings);
        StateDirectory state;
        Map<String, String> env;
        try {
            state = StateDirectory.prepare(request, "codex");
            env = environment(settings, request, state, config.environmentPolicy().inherited());
        } catch (IOException e) {
            return ended(AgentResult.internalError("Agent could not start: the Codex CLI's state directory could not be made: " + e.getMessage(),
                    Duration.ZERO));
        }
        String version = checkVersion(settings, request.workingDirectory(), env);
        if (version == null || version.startsWith("!")) {
            state.close();
            return ended(AgentResult.internalError("Agent could not start: " + (version == null ? "?" : version.substring(1)), Duration.ZERO));
        }
        List<String> secrets = new ArrayList<>(request.secrets());
        secrets.add(settings.apiKey());
        SecretMasker masker = SecretMasker.of(secrets);
        boolean confined = request.launcher().confined();
        CodexEvents events = new CodexEvents(sink, settings.rawEvents(), version, settings.model(),
                confined ? "off (the runner's sandbox confines it)" : "workspace-write");
        LineHandler handler = (stream, text, ts) -> {
            if (stream == OutputLine.Stream.STDOUT) {
                events.accept(text, ts);
            } else {
                sink.accept(new OutputLine(ts, stream, OutputLine.Source.AGENT, text));
            }
        };
        ProcessSpec spec = ProcessSpec.builder(settings.command(confined))
                .name("codex for job " + request.jobId())
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
                .thenApply(p -> masked(outcome(p, settings, events), masker))
                .whenComplete((r, e) -> state.close());
        return AgentExecution.of(result, started::cancel);
    }

    /**
     * The CLI's environment: {@code base} (the runner's, its secrets already removed), the request's
     * variables, the CLI's state directory and the key, under the variable the runner's model
     * provider names. With the runner's sandbox on and no HOME given, the sandbox's private HOME
     * holds the state (~/.codex), so no CODEX_HOME is set.
     */
    static Map<String, String> environment(CodexSettings settings, AgentRequest request, StateDirectory state, Map<String, String> base)
            throws IOException {
        Map<String, String> env = new LinkedHashMap<>(base);
        env.remove("CODEX_HOME");
        env.remove("OPENAI_BASE_URL");
        env.putAll(request.environment());
        if (!(state.owned() && request.launcher().confined())) {
            env.put("CODEX_HOME", state.directory(".codex").toString());
            // The CLI refuses to put its helpers (apply_patch) in CODEX_HOME when that is under the temp dir.
            Path tmp = Path.of(env.getOrDefault("TMPDIR", System.getProperty("java.io.tmpdir")));
            if (Path.of(env.get("CODEX_HOME")).startsWith(tmp) || !tmp.toFile().isDirectory()) {
                env.put("TMPDIR", state.directory(".tmp").toString());
            }
        }
        env.put(CodexSettings.KEY_VARIABLE, settings.apiKey());
        return env;
    }

    /** The version, or "!" and what is wrong; checked once per runner (failures are not cached). */
    private String checkVersion(CodexSettings settings, Path workingDirectory, Map<String, String> env) {
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
            return "!codex " + version.version() + " at " + found.path() + " is older than the supported minimum " + settings.minVersion()
                    + "; " + UPGRADE_HINT;
        }
        if (checkedVersion.compareAndSet(null, version.version())) {
            log.info("Using Codex CLI {} at {}", version.version(), found.path());
        }
        return version.version();
    }

    private void warnAboutBudgets(CodexSettings settings) {
        if ((settings.maxTurns() != null || settings.maxCostUsd() != null) && budgetsWarned.compareAndSet(false, true)) {
            log.warn("AI_MAX_TURNS and AI_MAX_COST_USD are not enforced for codex: its exec mode has no turn limit and reports tokens, "
                    + "not cost; AI_TIMEOUT bounds the run");
        }
    }

    static AgentResult outcome(ProcessResult p, CodexSettings settings, CodexEvents events) {
        Duration d = p.duration();
        SessionFacts facts = events.facts();
        Map<String, String> details = facts.details();
        switch (p.outcome()) {
            case TIMED_OUT -> {
                AgentEvent.ApiRetry retry = facts.lastRetry();
                return AgentResult.timedOut(p.describe("Agent") + (retry == null ? "" : "; the model API answered "
                        + (retry.status() == 0 ? retry.error() : retry.status() + " (" + EventRenderer.statusWords(retry.status(), retry.error()) + ")")
                        + "; the CLI was at retry " + retry.attempt() + " of " + retry.maxRetries()), d).withDetails(details);
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
        if (events.failure() != null) {
            return AgentResult.failed(code == 0 ? null : code, failureMessage(events.failure(), settings), d, details);
        }
        if (code != 0) {
            return AgentResult.failed(code, p.describe("Agent"), d, details);
        }
        if (!events.completed()) {
            String tail = lastStderrLines(p);
            return AgentResult.failed(null, "Agent ended without reporting a result" + (tail.isEmpty() ? "" : ": " + tail), d, details);
        }
        StringBuilder m = new StringBuilder("Agent finished in ").append(Durations.format(d));
        if (facts.inputTokens() != null) {
            m.append(", ").append(facts.inputTokens()).append(" tokens in, ").append(facts.outputTokens()).append(" out");
        }
        return AgentResult.succeeded(m.toString(), d, details);
    }

    /** What a failed turn means, in words, with the setting to check. */
    static String failureMessage(String message, CodexSettings settings) {
        int status = CodexEvents.status(message);
        String detail = message.replaceFirst("^unexpected status \\d{3}[^:]*: ", "").replaceFirst(", url: \\S+$", "");
        if (status == 401 || status == 403) {
            return "Authentication rejected by the model API at " + settings.baseUrl() + " (" + status + "): " + detail
                    + "; check OPENAI_API_KEY (or CODEX_API_KEY)";
        }
        if (status == 429) {
            return "Rate limited by the model API (429) until the CLI's retries ran out: " + detail;
        }
        if (status == 400) {
            return "The model API rejected the request (400 bad request): " + detail;
        }
        if (status == 404) {
            return "The model API at " + settings.baseUrl() + " answered 404 (not found): " + detail + "; check AI_BASE_URL and AI_MODEL";
        }
        if (status >= 500 || message.contains("high demand")) {
            return "The model API failed" + (status >= 500 ? " (" + status + ")" : " (a server error)") + " until the CLI's retries ran out: "
                    + detail;
        }
        return "Agent failed: " + detail;
    }

    private static String lastStderrLines(ProcessResult p) {
        List<String> lines = p.stderrTail().stream().map(String::strip).filter(l -> !l.isEmpty()).toList();
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
