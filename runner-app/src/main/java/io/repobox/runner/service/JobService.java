package io.repobox.runner.service;

import io.repobox.output.redis.RedisOutput;
import io.repobox.redis.Redis;
import io.repobox.runner.job.JobIds;
import io.repobox.runner.job.JobLeases;
import io.repobox.runner.job.JobQueue;
import io.repobox.runner.job.JobStatus;
import io.repobox.runner.job.JobStore;
import io.repobox.runner.job.UserSlots;
import io.repobox.runner.ops.BuildInfo;
import io.repobox.runner.ops.Heartbeat;
import io.repobox.runner.ops.RunnerMetrics;
import io.repobox.runner.pipeline.JobControl;
import io.repobox.runner.pipeline.JobPipeline;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service that takes jobs from the queue and runs them ({@code serve}, and {@code run} for one job),
 * put together from its parts: the {@link Dispatcher} takes
 * jobs from the consumer group into at most MAX_CONCURRENT_JOBS {@link RunningJobs} (never more than
 * MAX_JOBS_PER_USER per user across all runners); {@link Upkeep} keeps leases and claims fresh,
 * reclaims stopped runners' entries and honours cancel requests; {@link Recovery} finishes what
 * stopped runners left; {@link #shutdown()} stops gracefully.
 */
public final class JobService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(JobService.class);

    /** The service's own settings. */
    public record Settings(String runnerId, int maxConcurrentJobs, int maxJobsPerUser, Duration reclaimIdle, Duration shutdownGrace) {
    }

    private final Settings settings;
    private final Redis.Connection blocking;
    private final JobQueue queue;
    private final JobStore store;
    private final RunningJobs running;
    /** Entries waiting for a per-user slot, or reclaimed from stopped runners. */
    private final Queue<JobQueue.Entry> held = new ConcurrentLinkedQueue<>();
    private final ExecutorService jobs;
    private final Dispatcher dispatcher;
    private final Upkeep upkeep;
    private final AtomicBoolean accepting = new AtomicBoolean(true);
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    /** Set once the consumer group exists and the entries left from before a restart are handled. */
    private volatile boolean ready;

    /**
     * A service on {@code commands} (shared) and {@code blocking}, a connection of its own for the
     * queue's blocking reads (its timeout longer than a read's block), which it closes.
     */
    public JobService(Settings settings, Redis connector, Redis.Connection commands, Redis.Connection blocking, JobStore store,
                         RedisOutput output, JobPipeline pipeline, RunnerMetrics metrics) {
        this.settings = settings;
        this.store = store;
        this.blocking = blocking;
        this.queue = new JobQueue(commands, blocking, settings.runnerId());
        // A slot outlives its job's lease by one renewal interval: the slot is taken before the lease
        // is first written, so with equal terms a runner that died at once would free the slot while
        // its job still looked running, and another job of the user could start beside it.
        UserSlots slots = new UserSlots(commands, settings.maxJobsPerUser(), JobLeases.LEASE.plus(Heartbeat.INTERVAL));
        JobLeases leases = new JobLeases(commands, settings.runnerId());
        this.running = new RunningJobs(settings.maxConcurrentJobs());
        this.jobs = Executors.newFixedThreadPool(settings.maxConcurrentJobs(), r -> {
            Thread t = new Thread(r, "repobox-job");
            t.setDaemon(true);
            return t;
        });
        Heartbeat heartbeat = new Heartbeat(commands, settings.runnerId(), BuildInfo.host(), BuildInfo.version(), pipeline.agentName(),
                settings.maxConcurrentJobs());
        Recovery recovery = new Recovery(settings.runnerId(), commands, store, leases, slots, queue, output, pipeline);
        this.upkeep = new Upkeep(running, held, store, leases, slots, queue, heartbeat, settings.reclaimIdle(), accepting::get, metrics);
        this.dispatcher = new Dispatcher(new Dispatcher.Parts(settings.runnerId(), queue, store, slots, leases, output, pipeline, recovery,
                metrics, connector.safeUrl()), running, held, jobs, this::ready);
    }

    public JobStore store() {
        return store;
    }

    /**
     * Tells {@code listener} the job id of every queue entry this runner acknowledges, that is, is done
     * with: its job ended, or the entry was bad input or not to be run (the id may then be malformed
     * or null). Called on the service's threads; must be quick and must not throw. Set it before {@link #start()}.
     */
    public void onAcknowledged(Consumer<String> listener) {
        queue.onAcknowledged(entry -> listener.accept(entry.jobId()));
    }

    /** Whether the dispatcher has joined the consumer group and takes jobs (not before it starts, not once it shuts down). */
    public boolean takingJobs() {
        return ready && accepting.get();
    }

    /** How many jobs this runner is running now. */
    public int runningCount() {
        return running.size();
    }

    /** Starts taking jobs. */
    public void start() {
        dispatcher.start();
    }

    private void ready() {
        ready = true;
        upkeep.start();
        log.info("Runner {} is taking jobs from {} (up to {} at once, {} per user)", settings.runnerId(), JobQueue.STREAM,
                settings.maxConcurrentJobs(), settings.maxJobsPerUser());
    }

    /**
     * Waits until this runner runs no job: every job it took has its final record and end marker and
     * its queue entry is acknowledged. Returns false if that takes longer than {@code timeout}.
     */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        return running.awaitIdle(timeout);
    }

    /**
     * Stops taking jobs, puts back entries not started, lets running jobs finish for the shutdown
     * grace period, then stops them (status cancelled, with a message naming this runner). A second
     * call waits for the first to complete.
     */
    public void shutdown() {
        if (!accepting.compareAndSet(true, false)) {
            awaitStopped();
            return;
        }
        try {
            log.info("Runner {} is shutting down: {} job(s) running", settings.runnerId(), running.size());
            dispatcher.stop();
            releaseHeld();
            if (!awaitIdle(settings.shutdownGrace())) {
                running.all().values().forEach(r -> r.control().stop(JobControl.Reason.SHUTDOWN));
            }
            jobs.shutdown();
            if (!jobs.awaitTermination(2, TimeUnit.MINUTES)) {
                log.warn("Runner {}: {} job(s) did not stop within 2 minutes of being told to", settings.runnerId(), running.size());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.all().values().forEach(r -> r.control().stop(JobControl.Reason.SHUTDOWN));
            jobs.shutdown();
        } finally {
            upkeep.stop(); // it renewed the leases of running jobs until they were gone
            stopped.complete(null);
        }
    }

    /**
     * Puts the held entries of jobs not started back in the queue, at once, for any runner. An entry
     * reclaimed from another runner may name a job that ended meanwhile (acknowledged, as any runner
     * would) or that another runner runs (left pending, for that runner to acknowledge or recovery
     * to find): putting those back would only hand the next runner an entry with nothing to do.
     */
    private void releaseHeld() {
        for (JobQueue.Entry e = held.poll(); e != null; e = held.poll()) {
            try {
                String status = JobIds.isValid(e.jobId()) ? store.load(e.jobId()).map(h -> h.getOrDefault("status", "")).orElse("") : "";
                if (JobStatus.isTerminal(status)) {
                    queue.ack(e);
                } else if (!JobStatus.RUNNING.value().equals(status)) {
                    queue.release(e);
                }
            } catch (RuntimeException ex) {
                log.warn("Could not put back queue entry {}: {}", e.id(), ex.getMessage());
            }
        }
    }

    private void awaitStopped() {
        try {
            stopped.get(3, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("Runner {}: waiting for the shutdown in progress: {}", settings.runnerId(), e.toString());
        }
    }

    @Override
    public void close() {
        shutdown();
        blocking.close();
    }
}
