package io.repobox.runner.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.repobox.output.redis.OutputStats;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The facade over Micrometer with its Prometheus registry: what {@code /metrics} shows. Meters with
 * tags are made on first use and cached by Micrometer, so a call on the job path is a map lookup
 * and an atomic add. See docs/operations.md for the table of metrics.
 */
public final class MicrometerMetrics implements RunnerMetrics, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MicrometerMetrics.class);

    /** Job durations: from seconds (a failed clone) to hours (JOB_TIMEOUT). */
    private static final Duration[] JOB_BUCKETS = seconds(5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200);
    /** Step durations: a local clone takes milliseconds, an agent up to AI_TIMEOUT. */
    private static final Duration[] STEP_BUCKETS = seconds(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 600, 1800, 3600);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, Long> loops = new ConcurrentHashMap<>();
    private final JvmGcMetrics gc = new JvmGcMetrics();
    /** Held here: function meters keep only a weak reference to what they read. */
    @SuppressWarnings({"UnusedVariable", "FieldCanBeLocal"}) // read by the meters, through their weak reference
    private Supplier<OutputStats> outputStats;

    /**
     * @param runnerId   this runner's id, on the build-info metric
     * @param version    the runner's version
     * @param provider   the provider jobs run with
     */
    public MicrometerMetrics(String runnerId, String version, String provider) {
        Gauge.builder("repobox.runner.info", () -> 1).description("The runner's build and identity; always 1")
                .tags("version", version, "runner_id", runnerId, "provider", provider,
                        "java_version", System.getProperty("java.version", "unknown"))
                .register(registry);
        for (String when : new String[] {"exit", "stop"}) {
            Counter.builder("repobox.job.processes.stopped").tag("when", when)
                    .description("Processes stopped when a job's program ended: left running after its exit, or its tree after a stop")
                    .register(registry);
        }
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        // Created at start so that rates and alerts see a 0 before the first job.
        Counter.builder("repobox.jobs.started").tag("provider", provider).register(registry);
    }

    /** Jobs running on this runner, read at each scrape. */
    public MicrometerMetrics jobsRunning(Supplier<Number> running) {
        Gauge.builder("repobox.jobs.running", running).description("Jobs running on this runner").register(registry);
        return this;
    }

    /** Queue entries not yet delivered to any runner, and delivered but not acknowledged, read at each scrape. */
    public MicrometerMetrics queue(Supplier<Number> waiting, Supplier<Number> pending) {
        Gauge.builder("repobox.queue.waiting", waiting).description("Queue entries no runner has taken yet").register(registry);
        Gauge.builder("repobox.queue.pending", pending).description("Queue entries taken by a runner and not yet acknowledged")
                .register(registry);
        return this;
    }

    /** The output writer's counters, read at each scrape. */
    public MicrometerMetrics output(Supplier<OutputStats> stats) {
        this.outputStats = stats;
        FunctionCounter.builder("repobox.output.lines", stats, s -> s.get().linesWritten())
                .description("Output entries written to Redis").register(registry);
        FunctionCounter.builder("repobox.output.bytes", stats, s -> s.get().bytesWritten()).baseUnit("bytes")
                .description("Size of the output entries written to Redis (characters of fields and values)").register(registry);
        FunctionTimer.builder("repobox.output.redis.writes", stats, s -> s.get().writes(), s -> s.get().writeNanos(),
                TimeUnit.NANOSECONDS).description("Output write calls answered by Redis, and the time they took").register(registry);
        FunctionCounter.builder("repobox.output.redis.retries", stats, s -> s.get().retries())
                .description("Output write calls sent again after Redis failed to answer").register(registry);
        return this;
    }

    /** Seconds since each loop last went round, for /healthz. */
    public Map<String, Duration> loopAges() {
        long now = System.nanoTime();
        Map<String, Duration> ages = new java.util.TreeMap<>();
        loops.forEach((loop, at) -> ages.put(loop, Duration.ofNanos(now - at)));
        return ages;
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void jobStarted(String provider) {
        safely(() -> registry.counter("repobox.jobs.started", "provider", provider).increment());
    }

    @Override
    public void jobEnded(String provider, String status, String failureKind, Duration duration) {
        safely(() -> {
            String kind = failureKind == null ? "" : failureKind;
            registry.counter("repobox.jobs.ended", "provider", provider, "status", status, "failure_kind", kind).increment();
            Timer.builder("repobox.job.duration").description("How long jobs ran, by final status")
                    .tags("provider", provider, "status", status).serviceLevelObjectives(JOB_BUCKETS)
                    .register(registry).record(duration);
        });
    }

    @Override
    public void stepEnded(String step, Duration duration, boolean ok) {
        safely(() -> Timer.builder("repobox.job.step.duration").description("How long the steps of jobs took")
                .tags("step", step, "outcome", ok ? "ok" : "failed").serviceLevelObjectives(STEP_BUCKETS)
                .register(registry).record(duration));
    }

    @Override
    public void processesStopped(int count, String when) {
        if (count > 0) {
            safely(() -> registry.counter("repobox.job.processes.stopped", "when", when).increment(count));
        }
    }

    @Override
    public void agentUsage(String provider, String configuredModel, Map<String, String> details) {
        safely(() -> {
            String model = firstNonBlank(details.get("agent_model"), configuredModel, "default");
            add("repobox.agent.tokens", details.get("agent_input_tokens"), "provider", provider, "model", model, "direction", "input");
            add("repobox.agent.tokens", details.get("agent_output_tokens"), "provider", provider, "model", model, "direction", "output");
            add("repobox.agent.cost.usd", details.get("agent_cost_usd"), "provider", provider, "model", model);
        });
    }

    @Override
    public void loopTurned(String loop) {
        loops.put(loop, System.nanoTime());
    }

    @Override
    public void loopEnded(String loop) {
        loops.remove(loop);
    }

    private void add(String name, String value, String... tags) {
        if (value == null || value.isBlank()) {
            return;
        }
        try {
            double v = Double.parseDouble(value.trim());
            if (v >= 0 && Double.isFinite(v)) {
                registry.counter(name, tags).increment(v);
            }
        } catch (NumberFormatException e) {
            log.debug("{}: '{}' is not a number; not counted", name, value);
        }
    }

    private static void safely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            log.warn("Recording a metric failed: {}", e.toString()); // metrics never fail a job
        }
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return "";
    }

    private static Duration[] seconds(double... values) {
        Duration[] out = new Duration[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Duration.ofMillis(Math.round(values[i] * 1000));
        }
        return out;
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
