package io.repobox.agent.cli;

import io.repobox.agent.Agent;
import io.repobox.agent.AgentConfig;
import io.repobox.agent.AgentConfigException;
import io.repobox.agent.AgentExecution;
import io.repobox.agent.AgentRequest;
import io.repobox.agent.AgentResult;
import io.repobox.agent.output.OutputSink;
import io.repobox.agent.output.SecretMasker;
import io.repobox.agent.process.LineHandler;
import io.repobox.agent.process.ProcessExecution;
import io.repobox.agent.process.ProcessResult;
import io.repobox.agent.process.ProcessSpec;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An agent that runs a coding-agent CLI once per request, written once for every such provider: the
 * settings read and checked, the CLI found and its version checked (on the first request that gets
 * that far; failures are not cached), its environment built from the host's without what the
 * caller withholds ({@link AgentConfig#environmentPolicy()}) plus the one key it needs, its state
 * kept outside the repository, the prompt on stdin, every process started through the request's
 * launcher, secrets masked in every line and in the result, the whole process tree stopped on
 * timeout or cancel. A provider says only what differs: its settings, environment and arguments,
 * and how it reads the CLI's output ({@link Run}). Thread-safe; serves concurrent requests.
 *
 * @param <S> the provider's settings
 */
public abstract class CliAgent<S extends CliSettings> implements Agent {

    private static final Logger log = LoggerFactory.getLogger(CliAgent.class);

    private final CliTool tool;
    private final AgentConfig config;
    private final AtomicReference<String> checkedVersion = new AtomicReference<>();

    protected CliAgent(CliTool tool, AgentConfig config) {
        this.tool = tool;
        this.config = config;
    }

    /** One request's reading of the CLI's output: each line as it is printed, then the result. */
    public interface Run extends LineHandler {

        /** The request's result once no process of it is left; secrets are masked afterwards. */
        AgentResult outcome(ProcessResult process);

        /** Called once the CLI is started, for a run that may have to stop it early. */
        default void started(ProcessExecution execution) {
        }
    }

    /** The configuration the agent was made with. */
    protected final AgentConfig config() {
        return config;
    }

    /** The settings for a request with {@code options}. @throws AgentConfigException if they are invalid */
    protected abstract S settings(Map<String, String> options);

    /** Why a request cannot start with {@code settings} (a missing key, worded for a person), or null. */
    protected String refusal(S settings) {
        return null;
    }

    /** Whether the CLI keeps state for each request in a {@link StateDirectory} named after {@link CliTool#command()}. */
    protected boolean keepsState() {
        return false;
    }

    /**
     * The CLI's complete environment: {@code base} (the host's, without what the caller withholds),
     * the request's variables, the state's places and the credentials.
     *
     * @param state the request's state directory, or null if the CLI {@linkplain #keepsState() keeps none}
     */
    protected abstract Map<String, String> environment(S settings, AgentRequest request, StateDirectory state, Map<String, String> base)
            throws IOException;

    /** The CLI's arguments, starting with {@code settings.cliPath()}; the prompt goes to stdin. */
    protected abstract List<String> command(S settings, AgentRequest request);

    /** The values of {@code settings} to mask besides the request's secrets (the API key). */
    protected abstract Collection<String> secrets(S settings);

    /** A reader for one request's output; {@code version} is the CLI's checked version. */
    protected abstract Run run(S settings, AgentRequest request, OutputSink sink, String version);

    @Override
    public final AgentExecution start(AgentRequest request, OutputSink sink) {
        S settings;
        try {
            settings = settings(request.options());
        } catch (AgentConfigException e) {
            return notStarted(e.getMessage());
        }
        String refusal = refusal(settings);
        if (refusal != null) {
            return notStarted(refusal);
        }
        StateDirectory state = null;
        Map<String, String> env;
        try {
            state = keepsState() ? StateDirectory.prepare(request, tool.command()) : null;
            env = environment(settings, request, state, config.environmentPolicy().inherited());
        } catch (IOException e) {
            close(state);
            return notStarted("the " + tool.title() + "'s state could not be prepared: " + e.getMessage());
        }
        String version = checkedVersion(settings, request, env);
        if (version.startsWith("!")) {
            close(state);
            return notStarted(version.substring(1));
        }
        List<String> secrets = new ArrayList<>(request.secrets());
        secrets.addAll(secrets(settings));
        SecretMasker masker = SecretMasker.of(secrets);
        Run run = run(settings, request, sink, version);
        ProcessSpec spec = ProcessSpec.builder(command(settings, request))
                .name(tool.command() + " for job " + request.jobId())
                .workingDirectory(request.workingDirectory())
                .environment(env)
                .stdin(request.prompt())
                .timeout(request.timeout())
                .idleTimeout(request.idleTimeout())
                .gracePeriod(settings.gracePeriod())
                .maxLineBytes(settings.maxLineBytes())
                .masker(masker)
                .build();
        ProcessExecution started = request.launcher().start(spec, run);
        run.started(started);
        StateDirectory kept = state;
        CompletableFuture<AgentResult> result = started.completion().toCompletableFuture()
                .thenApply(p -> masked(run.outcome(p), masker))
                .whenComplete((r, e) -> close(kept));
        return AgentExecution.of(result, started::cancel);
    }

    /** The version, or "!" and what is wrong; checked once per agent (failures are not cached). */
    private String checkedVersion(S settings, AgentRequest request, Map<String, String> env) {
        String known = checkedVersion.get();
        if (known != null) {
            return known;
        }
        CliCheck check = CliCheck.of(tool, settings, config, request.workingDirectory(), env);
        if (!check.usable()) {
            return "!" + check.problem();
        }
        if (checkedVersion.compareAndSet(null, check.version())) {
            log.info("Using {} {} at {}", tool.title(), check.version(), check.path());
        }
        return check.version();
    }

    /**
     * The result of a CLI that did not exit by itself: idle, cancelled, not started or failed on the
     * caller's side, each as {@link AgentResult#fromProcess} words it; empty when it exited or timed
     * out, which the provider words with what the CLI printed.
     */
    protected final Optional<AgentResult> unfinished(ProcessResult p, Map<String, String> details) {
        return switch (p.outcome()) {
            case IDLE, CANCELLED -> Optional.of(AgentResult.fromProcess(p, "").withDetails(details));
            case FAILED_TO_START, ERROR -> Optional.of(AgentResult.fromProcess(p, "(" + tool.installHint(config) + ")"));
            case EXITED, TIMED_OUT -> Optional.empty();
        };
    }

    /** The last three non-blank stderr lines that {@code keep} accepts, joined with " · ". */
    protected static String lastStderrLines(ProcessResult p, Predicate<String> keep) {
        List<String> lines = p.stderrTail().stream().map(String::strip).filter(l -> !l.isEmpty() && keep.test(l)).toList();
        return String.join(" · ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
    }

    private static AgentResult masked(AgentResult r, SecretMasker masker) {
        String message = masker.mask(r.message());
        return message.equals(r.message()) ? r : new AgentResult(r.outcome(), r.exitCode(), message, r.duration(), r.details());
    }

    private static AgentExecution notStarted(String why) {
        return AgentExecution.of(CompletableFuture.completedFuture(AgentResult.internalError("Agent could not start: " + why, Duration.ZERO)),
                () -> { });
    }

    private static void close(StateDirectory state) {
        if (state != null) {
            state.close();
        }
    }
}
