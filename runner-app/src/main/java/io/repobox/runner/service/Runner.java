package io.repobox.runner.service;

import io.repobox.agent.Agent;
import io.repobox.agent.spi.AgentProviders;
import io.repobox.output.redis.RedisOutput;
import io.repobox.output.redis.RedisOutputException;
import io.repobox.output.redis.RedisOutputOptions;
import io.repobox.redis.Redis;
import io.repobox.runner.config.RunnerConfig;
import io.repobox.runner.environment.Environments;
import io.repobox.runner.git.GitBinary;
import io.repobox.redis.Backoff;
import io.repobox.runner.job.JobQueue;
import io.repobox.runner.job.JobStore;
import io.repobox.runner.ops.MetricsStepListener;
import io.repobox.runner.ops.ReadinessChecks;
import io.repobox.runner.ops.RunnerOps;
import io.repobox.runner.pipeline.JobPipeline;
import io.repobox.runner.pipeline.JobSettings;
import io.repobox.runner.sandbox.ProbeVerdicts;
import io.repobox.runner.sandbox.Sandbox;
import io.repobox.runner.sandbox.SandboxSettings;
import io.repobox.runner.secrets.ProcessExposure;
import io.repobox.runner.workspace.WorkspaceRoot;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A whole runner built from its configuration: one Redis client and its connections, the output,
 * the agent, the job pipeline and the service. {@code serve} and {@code run} both use it, so a job takes one path
 * whichever command runs it.
 */
public final class Runner implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Runner.class);

    /** The queue's blocking reads: longer than their block, so that a read that waits is not taken for a lost one. */
    private static final Duration BLOCKING_TIMEOUT = Duration.ofSeconds(30);

    private final Redis connector;
    private final Redis.Connection commands;
    private final RedisOutput output;
    private final Agent agent;
    private final JobService service;
    private final RunnerOps ops;
    private final Sandbox sandbox;

    private Runner(Sandbox sandbox, Redis connector, Redis.Connection commands, RedisOutput output, Agent agent, JobService service,
                   RunnerOps ops) {
        this.ops = ops;
        this.sandbox = sandbox;
        this.connector = connector;
        this.commands = commands;
        this.output = output;
        this.agent = agent;
        this.service = service;
    }

    /**
     * Builds a runner against {@code redisUrl}, retrying while Redis is unreachable for at most
     * {@code connectFor}. One Redis client serves all of it. If a part cannot be built, the parts
     * already built are closed before the error is thrown.
     *
     * @param allowLocalDefault ALLOW_LOCAL_REPOS when unset: false for serve, true for run
     */
    public static Runner create(RunnerConfig config, String redisUrl, boolean allowLocalDefault, Duration connectFor)
            throws InterruptedException {
        return create(config, redisUrl, allowLocalDefault, connectFor, SandboxSettings.Mode.AUTO);
    }

    /**
     * Builds a runner; {@code sandboxDefault} is SANDBOX when unset (required for serve, auto for run).
     *
     * @throws Sandbox.UnavailableException SANDBOX=required and no sandbox can be built here (before Redis is touched)
     */
    public static Runner create(RunnerConfig config, String redisUrl, boolean allowLocalDefault, Duration connectFor,
                                SandboxSettings.Mode sandboxDefault) throws InterruptedException {
        return create(config, redisUrl, null, allowLocalDefault, connectFor, sandboxDefault, ProbeVerdicts.none());
    }

    /**
     * Builds a runner on the client for {@code redisUrl} that {@code connector} gives, with a connection
     * already open on it (a command-line program prepares both while it parses its arguments; the runner
     * asks for them only once it needs Redis, after its checks, so that those overlap with the
     * preparation), which the runner then owns and closes; when it gives null, the runner makes its own.
     * {@code verdicts} may spare it the test
     * sandbox (see {@link ProbeVerdicts}).
     */
    public static Runner create(RunnerConfig config, String redisUrl, Supplier<Prepared> connector, boolean allowLocalDefault,
                                Duration connectFor, SandboxSettings.Mode sandboxDefault, ProbeVerdicts verdicts) throws InterruptedException {
        Deque<AutoCloseable> built = new ArrayDeque<>();
        try {
            WorkspaceRoot.prepare(config.tempDir()); // refused at start-up when another user could write into it
            GitBinary.system(); // resolved now, before any agent runs: never a git put on PATH later
            if (log.isInfoEnabled()) { // doctor reports them as warnings; run's console (WARN) would drop them after a JMX start-up
                ProcessExposure.warnings().forEach(w -> log.info("Exposure: {}", w));
            }
            // SANDBOX=required waits for the test sandbox here (and fails before Redis is touched); otherwise
            // it is tried while Redis connects and the first job clones, and the first job's hook or agent waits for it.
            Sandbox sandbox = Sandbox.detectInBackground(SandboxSettings.from(config, sandboxDefault), config.tempDir(), verdicts);
            built.push(sandbox::awaitProbe); // its test directory is gone when this returns or throws
            sandbox.checkAtStartup();
            String agentName = config.agentName();
            Environments environments = Environments.load(config.environmentsFile());
            Agent agent = built(built, AgentProviders.load().get(agentName).create(config.agentConfig()));
            Prepared prepared = connector == null ? null : connector.get();
            Redis redis = built(built, prepared != null ? prepared.redis() : Redis.create(redisUrl, Duration.ofSeconds(10))); // the runner's from here
            // The runner's connections: commands (shared by the output's reads, and by run's own session), and
            // the queue's blocking reads (a longer timeout than their block); the output adds the one it writes through.
            Redis.Connection early = prepared == null ? null : built(built, prepared.connection());
            List<Redis.Connection> own = connectWithRetry(redis, early == null ? List.of(redis.commandTimeout(), BLOCKING_TIMEOUT)
                    : List.of(BLOCKING_TIMEOUT), connectFor);
            own.forEach(c -> built(built, c));
            Redis.Connection commands = early != null ? early : own.get(0);
            Redis.Connection blocking = own.get(own.size() - 1);
            RedisOutputOptions outputOptions = RedisOutputOptions.builder(redisUrl).maxLines(config.maxOutputLines())
                    .ttl(config.outputTtl()).outageTimeout(config.outputOutageTimeout()).build();
            RedisOutput output = built(built, RedisOutput.create(redis, commands, outputOptions));
            JobStore store = new JobStore(commands);
            String runnerId = config.runnerId();
            RunnerOps ops = built(built, RunnerOps.create(config.httpAddress(), runnerId, agentName, redis, JobQueue.STREAM,
                    JobQueue.GROUP, output, () -> AgentProviders.load().get(agentName).readiness(config.agentConfig())));
            if (sandbox.settings().mode() == SandboxSettings.Mode.REQUIRED) {
                // A sandbox that could be built at start can stop working (a package removed, a sysctl changed): try one now and then.
                ops.readiness().add("sandbox", ReadinessChecks.cached(Duration.ofMinutes(5),
                        () -> Sandbox.detect(sandbox.settings(), config.tempDir()).problem()));
            }
            JobPipeline pipeline = new JobPipeline(new JobSettings(runnerId, agentName, config.tempDir(), config.cleanupAfterJob(),
                    config.jobTimeout(), config.aiTimeout(), config.aiIdleTimeout(), config.allowLocalRepos(allowLocalDefault),
                    config.encryptionKey(), config.gracePeriod(), config.secrets()), store, agent, environments, sandbox)
                    .withListener(new MetricsStepListener(ops.metrics(), agentName, config.agentConfig().getString("model", "")));
            JobService service = new JobService(new JobService.Settings(runnerId, config.maxConcurrentJobs(),
                    config.maxJobsPerUser(), config.reclaimIdle(), config.shutdownGrace()), redis, commands, blocking, store, output, pipeline,
                    ops.metrics());
            return new Runner(sandbox, redis, commands, output, agent, service, ops);
        } catch (RuntimeException | InterruptedException e) {
            for (AutoCloseable part : built) { // the last built first
                try {
                    part.close();
                } catch (Exception again) {
                    e.addSuppressed(again);
                }
            }
            throw e;
        }
    }

    private static <T extends AutoCloseable> T built(Deque<AutoCloseable> built, T part) {
        built.push(part);
        return part;
    }

    /**
     * Opens one connection per timeout, trying again while Redis cannot be reached for up to {@code connectFor}
     * (a runner may start before its Redis).
     *
     * @throws RedisOutputException once that time has passed: the message names the server without credentials
     */
    private static List<Redis.Connection> connectWithRetry(Redis redis, List<Duration> timeouts, Duration connectFor)
            throws InterruptedException {
        long deadline = System.nanoTime() + connectFor.toNanos();
        Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));
        while (true) {
            try {
                return redis.connectAll(timeouts.toArray(Duration[]::new));
            } catch (RuntimeException e) {
                String message = "cannot connect to Redis at " + redis.safeUrl() + ": " + Redis.rootMessage(e);
                Duration wait = backoff.next();
                if (System.nanoTime() + wait.toNanos() > deadline) {
                    throw new RedisOutputException(message, e);
                }
                log.warn("{}; retrying in {} ms", message, wait.toMillis());
                Thread.sleep(wait.toMillis());
            }
        }
    }

    /**
     * A client that a command line prepared while it parsed its arguments, with a connection already open
     * on it, which becomes the runner's commands connection (one connection fewer to open).
     */
    public record Prepared(Redis redis, Redis.Connection connection) {
    }

    public JobService service() {
        return service;
    }

    /** The runner's one Redis client, for a caller in the same process that needs Redis too (run's own session). */
    public Redis redis() {
        return connector;
    }

    /**
     * The runner's commands connection, for a caller in the same process that needs Redis too (run's own
     * session): shared, so the caller never closes it; it lives as long as the runner.
     */
    public Redis.Connection commands() {
        return commands;
    }

    /**
     * The cgroup directories a job of this runner gets (none without a sandbox or cgroups), for a caller
     * that must remove them should this process die before it can ({@code run}'s lifeline).
     */
    public List<java.nio.file.Path> jobCgroups(String jobId) {
        return sandbox.groupDirectories(jobId);
    }

    public RedisOutput output() {
        return output;
    }

    /**
     * Starts serving /healthz, /readyz and /metrics when HTTP_ADDRESS is set ({@code serve} does; {@code run}
     * does not). Checks added to {@link #readiness()} before this are part of /readyz.
     */
    public void startOperations() {
        ops.start(service::runningCount, service::takingJobs);
    }

    /** The readiness checks of /readyz: Redis and the agent CLI; the sandbox adds its own. */
    public ReadinessChecks readiness() {
        return ops.readiness();
    }

    /** Where /healthz, /readyz and /metrics are served, once {@link #startOperations() started}; empty when off. */
    public Optional<InetSocketAddress> httpAddress() {
        return ops.address();
    }

    @Override
    public void close() {
        service.close();
        ops.close();
        agent.close();
        output.close(); // before the connection its reads share
        commands.close();
        connector.close();
        sandbox.awaitProbe(); // a runner that ran no job may stop while the test sandbox is still tried
    }
}
