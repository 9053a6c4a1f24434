package io.repobox.runner.ops;

import io.repobox.agent.Readiness;
import io.repobox.output.redis.RedisOutput;
import io.repobox.redis.Redis;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What a runner shows its operators when HTTP_ADDRESS is set: the metrics facade, the readiness
 * checks and the HTTP server. Off (no server, {@link RunnerMetrics#none()}) when it is not.
 *
 * <p>Readiness checks: {@code redis} (reachable, consumer group joined) and {@code agent} (the
 * provider's own readiness: its CLI is there and usable) are added here; others add theirs with
 * {@code readiness().add(name, check)} before {@link #start} — the sandbox adds {@code sandbox}.
 */
public final class RunnerOps implements AutoCloseable {

    /** How often readiness is checked (and the queue gauges refreshed). */
    static final Duration CHECK_EVERY = Duration.ofSeconds(2);
    /** How long a loop may go without turning before /healthz fails: longer than the longest Redis backoff (30 s). */
    static final Duration LOOP_STALL = Duration.ofSeconds(90);
    /** The agent CLI's check starts a process: not more often than this while it passes. */
    static final Duration AGENT_CHECK_EVERY = Duration.ofMinutes(1);

    private final String httpAddress;
    private final MicrometerMetrics metrics;
    private final ReadinessChecks readiness = new ReadinessChecks();
    private final Redis.Connection probeConnection;
    private final QueueProbe queue;
    private OpsServer server;

    private RunnerOps(String httpAddress, MicrometerMetrics metrics, Redis.Connection probeConnection, QueueProbe queue) {
        this.httpAddress = httpAddress;
        this.metrics = metrics;
        this.probeConnection = probeConnection;
        this.queue = queue;
    }

    /** Nothing: no server, no metrics. */
    public static RunnerOps off() {
        return new RunnerOps(null, null, null, null);
    }

    /**
     * Operations for a runner, on when {@code httpAddress} is not null.
     *
     * @param agentReadiness the selected provider's readiness (may start the CLI to ask its version)
     */
    public static RunnerOps create(String httpAddress, String runnerId, String provider, Redis connector,
                                   String stream, String group, RedisOutput output, Supplier<Readiness> agentReadiness) {
        if (httpAddress == null) {
            return off();
        }
        OpsServer.parse(httpAddress); // a malformed address is a configuration error before anything starts
        MicrometerMetrics metrics = new MicrometerMetrics(runnerId, BuildInfo.version(), provider).output(output::stats);
        Redis.Connection probe = connector.connect(Duration.ofSeconds(2)); // checks answer fast, even while Redis is away
        QueueProbe queue = new QueueProbe(probe, connector.safeUrl(), stream, group, runnerId);
        metrics.queue(queue::waiting, queue::pending);
        RunnerOps ops = new RunnerOps(httpAddress, metrics, probe, queue);
        ops.readiness.add("redis", queue);
        ops.readiness.add("agent", ReadinessChecks.cached(AGENT_CHECK_EVERY, () -> {
            Readiness r = agentReadiness.get();
            return r.ready() ? null : "agent '" + provider + "' is not usable: " + String.join("; ", r.problems());
        }));
        return ops;
    }

    /** The facade the job path reports to; records nothing when operations are off. */
    public RunnerMetrics metrics() {
        return metrics == null ? RunnerMetrics.none() : metrics;
    }

    /** The readiness checks, to add one before {@link #start}. */
    public ReadinessChecks readiness() {
        return readiness;
    }

    /**
     * Starts checking and serving; {@code jobsRunning} is read at each scrape, {@code takingJobs}
     * (the dispatcher has joined the consumer group and takes jobs) at each check.
     */
    public void start(Supplier<Number> jobsRunning, BooleanSupplier takingJobs) {
        if (metrics == null) {
            return;
        }
        metrics.jobsRunning(jobsRunning);
        queue.joined(takingJobs);
        readiness.start(CHECK_EVERY);
        server = OpsServer.start(httpAddress, metrics::scrape, metrics::loopAges, readiness, LOOP_STALL);
    }

    /** Where /healthz, /readyz and /metrics are served, once started. */
    public Optional<InetSocketAddress> address() {
        return server == null ? Optional.empty() : Optional.of(server.address());
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
        readiness.close();
        if (metrics != null) {
            metrics.close();
        }
        if (probeConnection != null) {
            probeConnection.close();
        }
    }
}
