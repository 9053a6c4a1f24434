package io.repobox.agent.codex;

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
 * Runs {@code codex exec --json} once per request as a {@link CliAgent}: the key in the CLI's
 * environment only, the CLI's state (CODEX_HOME) in a per-request directory outside the repository,
 * the events rendered as they arrive. Thread-safe; serves concurrent requests.
 */
final class CodexAgent extends CliAgent<CodexSettings> {

    static final CliTool TOOL = new CliTool("codex", "Codex CLI", "npm install -g @openai/codex");

    private static final Logger log = LoggerFactory.getLogger(CodexAgent.class);

    private final AtomicBoolean budgetsWarned = new AtomicBoolean();

    CodexAgent(AgentConfig config) {
        super(TOOL, config);
    }

    @Override
    public Optional<URI> apiEndpoint() {
        return Optional.of(URI.create(CodexSettings.of(config(), Map.of()).baseUrl()));
    }

    @Override
    protected CodexSettings settings(Map<String, String> options) {
        return CodexSettings.of(config(), options);
    }

    @Override
    protected String refusal(CodexSettings settings) {
        return settings.apiKey() == null ? "the Codex CLI has no API key; set " + config().settingName("api-key") : null;
    }

    @Override
    protected boolean keepsState() {
        return true;
    }

    @Override
    protected List<String> command(CodexSettings settings, AgentRequest request) {
        return settings.command(request.launcher().confined());
    }

    @Override
    protected Collection<String> secrets(CodexSettings settings) {
        return List.of(settings.apiKey());
    }

    @Override
    protected Run run(CodexSettings settings, AgentRequest request, OutputSink sink, String version) {
        warnAboutBudgets(settings);
        CodexEvents events = new CodexEvents(sink, settings.rawEvents(), version, settings.model(),
                request.launcher().confined() ? "off (the runner's sandbox confines it)" : "workspace-write");
        return new Run() {
            @Override
            public void onLine(OutputLine.Stream stream, String text, long timestamp) {
                if (stream == OutputLine.Stream.STDOUT) {
                    events.accept(text, timestamp);
                } else {
                    sink.accept(new OutputLine(timestamp, stream, OutputLine.Source.AGENT, text));
                }
            }

            @Override
            public AgentResult outcome(ProcessResult process) {
                return CodexAgent.this.outcome(process, settings, events);
            }
        };
    }

    /**
     * The CLI's environment: {@code base} (the host's, without what the caller withholds), the request's
     * variables, the CLI's state directory and the key, under the variable the runner's model
     * provider names. With the runner's sandbox on and no HOME given, the sandbox's private HOME
     * holds the state (~/.codex), so no CODEX_HOME is set.
     */
    @Override
    protected Map<String, String> environment(CodexSettings settings, AgentRequest request, StateDirectory state, Map<String, String> base)
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

    private void warnAboutBudgets(CodexSettings settings) {
        if ((settings.maxTurns() != null || settings.maxCostUsd() != null) && budgetsWarned.compareAndSet(false, true)) {
            log.warn("{} and {} are not enforced for codex: its exec mode has no turn limit and reports tokens, not cost; "
                    + "the request's timeout bounds the run", config().settingName("max-turns"), config().settingName("max-cost-usd"));
        }
    }

    AgentResult outcome(ProcessResult p, CodexSettings settings, CodexEvents events) {
        Duration d = p.duration();
        SessionFacts facts = events.facts();
        Map<String, String> details = facts.details();
        if (p.outcome() == ProcessResult.Outcome.TIMED_OUT) {
            AgentEvent.ApiRetry retry = facts.lastRetry();
            return AgentResult.timedOut(p.describe("Agent") + (retry == null ? "" : "; the model API answered "
                    + (retry.status() == 0 ? retry.error() : retry.status() + " (" + EventRenderer.statusWords(retry.status(), retry.error()) + ")")
                    + "; the CLI was at retry " + retry.attempt() + " of " + retry.maxRetries()), d).withDetails(details);
        }
        Optional<AgentResult> unfinished = unfinished(p, details);
        if (unfinished.isPresent()) {
            return unfinished.get();
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
    String failureMessage(String message, CodexSettings settings) {
        int status = CodexEvents.status(message);
        String detail = message.replaceFirst("^unexpected status \\d{3}[^:]*: ", "").replaceFirst(", url: \\S+$", "");
        if (status == 401 || status == 403) {
            return "Authentication rejected by the model API at " + settings.baseUrl() + " (" + status + "): " + detail
                    + "; check " + config().settingName("api-key");
        }
        if (status == 429) {
            return "Rate limited by the model API (429) until the CLI's retries ran out: " + detail;
        }
        if (status == 400) {
            return "The model API rejected the request (400 bad request): " + detail;
        }
        if (status == 404) {
            return "The model API at " + settings.baseUrl() + " answered 404 (not found): " + detail + "; check " + config().settingName("base-url") + " and "
                    + config().settingName("model");
        }
        if (status >= 500 || message.contains("high demand")) {
            return "The model API failed" + (status >= 500 ? " (" + status + ")" : " (a server error)") + " until the CLI's retries ran out: "
                    + detail;
        }
        return "Agent failed: " + detail;
    }

    private static String lastStderrLines(ProcessResult p) {
        return lastStderrLines(p, line -> true);
    }
}
