package io.repobox.runner.service;

import io.repobox.output.redis.RedisOutput;
import io.repobox.output.redis.OutputFields;
import io.repobox.output.redis.RedisOutputSink;
import io.repobox.output.redis.internal.RedisConnector;
import io.repobox.runner.job.FailureKind;
import io.repobox.runner.job.FinalRecord;
import io.repobox.runner.job.Job;
import io.repobox.runner.job.JobIds;
import io.repobox.runner.job.JobQueue;
import io.repobox.runner.job.JobStatus;
import io.repobox.runner.job.JobStore;
import io.repobox.runner.job.RedisRetry;
import io.repobox.runner.job.UserSlots;
import io.repobox.runner.pipeline.JobControl;
import io.repobox.runner.pipeline.JobOutcome;
import io.repobox.runner.pipeline.JobPipeline;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runner service ({@code serve}): takes jobs from the consumer group, runs up to
 * MAX_CONCURRENT_JOBS at once and never more than MAX_JOBS_PER_USER per user across all runners,
 * keeps its claims and leases fresh, recovers the jobs of runners that stopped, honours cancel
 * requests, and shuts down gracefully.
 */
public final class RunnerService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RunnerService.class);
    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final Duration HEARTBEAT = io.repobox.runner.ops.Heartbeat.INTERVAL;

    /** The service's own settings. */
    public record Settings(String runnerId, int maxConcurrentJobs, int maxJobsPerUser, Duration reclaimIdle, Duration shutdownGrace) {
    }

    private record Running(JobQueue.Entry entry, String userId, JobControl control) {
    }

    private final Settings settings;
    private final RedisConnector connector;
    private final RedisConnector.Connection commands;
    private final RedisConnector.Connection blocking;
    private final JobQueue queue;
    private final JobStore store;
    private final UserSlots slots;
    private final RedisOutput output;
    private final JobPipeline pipeline;
    private final io.repobox.runner.ops.RunnerMetrics metrics;
    private final ExecutorService jobs;
    private final io.repobox.runner.ops.Heartbeat heartbeat;
    private final Map<String, Running> running = new ConcurrentHashMap<>();
    /** Entries waiting for a per-user slot, or reclaimed from stopped runners; guarded by itself. */
    private final List<JobQueue.Entry> held = new ArrayList<>();
    private final AtomicInteger free;
    private final Object wakeUp = new Object();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean accepting = true;
    /** Set once the consumer group exists: before that there is nothing to touch or reclaim. */
    private volatile boolean groupReady;
    private Thread dispatcher;
    private Thread maintenance;

    public RunnerService(Settings settings, RedisConnector connector, RedisConnector.Connection commands, JobStore store,
                         RedisOutput output, JobPipeline pipeline, io.repobox.runner.ops.RunnerMetrics metrics) {
        this.settings = settings;
        this.connector = connector;
        this.commands = commands;
        this.blocking = connector.connect(Duration.ofSeconds(30));
        this.queue = new JobQueue(commands, blocking, settings.runnerId());
        this.store = store;
        this.slots = new UserSlots(commands, settings.maxJobsPerUser(), LEASE);
        this.output = output;
        this.pipeline = pipeline;
        this.metrics = metrics;
        this.free = new AtomicInteger(settings.maxConcurrentJobs());
        this.heartbeat = new io.repobox.runner.ops.Heartbeat(commands, settings.runnerId(), io.repobox.runner.ops.BuildInfo.host(),
                io.repobox.runner.ops.BuildInfo.version(), pipeline.agentName(), settings.maxConcurrentJobs());
        this.jobs = Executors.newFixedThreadPool(settings.maxConcurrentJobs(), r -> {
            Thread t = new Thread(r, "repobox-job");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Waits until this runner runs no job: every job it took has its final record and end marker and
     * its queue entry is acknowledged. Returns false if that takes longer than {@code timeout}.
     */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (wakeUp) {
            while (!running.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(wakeUp, left);
            }
        }
        return true;
    }

    public JobStore store() {
        return store;
    }

    /** Whether the dispatcher has joined the consumer group and takes jobs (not before it starts, not once it shuts down). */
    public boolean takingJobs() {
        return groupReady && accepting;
    }

    /** How many jobs this runner is running now. */
    public int runningCount() {
        return running.size();
    }

    /** Starts taking jobs. */
    public void start() {
        dispatcher = new Thread(this::dispatchLoop, "repobox-dispatcher");
        maintenance = new Thread(this::maintenanceLoop, "repobox-maintenance");
        maintenance.setDaemon(true);
        dispatcher.start();
        maintenance.start();
    }

    private void dispatchLoop() {
        long backoff = 500;
        boolean ready = false;
        while (accepting) {
            metrics.loopTurned("dispatcher");
            try {
                if (!ready) {
                    queue.ensureGroup();
                    groupReady = true;
                    for (JobQueue.Entry e : queue.ownPending(1000)) {
                        handle(e); // delivered to this RUNNER_ID before a restart
                    }
                    log.info("Runner {} is taking jobs from {} (up to {} at once, {} per user)", settings.runnerId(),
                            JobQueue.STREAM, settings.maxConcurrentJobs(), settings.maxJobsPerUser());
                    ready = true;
                }
                int waiting = retryHeld();
                if (free.get() <= waiting) {
                    synchronized (wakeUp) {
                        wakeUp.wait(500); // a finishing job wakes us at once
                    }
                    continue;
                }
                for (JobQueue.Entry e : queue.read(free.get() - waiting, Duration.ofSeconds(1))) {
                    handle(e);
                }
                backoff = 500;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (!accepting) {
                    break;
                }
                log.warn("Redis at {} is unreachable or failing ({}); retrying in {} ms", connector.safeUrl(), rootMessage(e), backoff);
                sleep(backoff);
                backoff = Math.min(30_000, backoff * 2);
            }
        }
    }

    /** One queue entry: validate, claim, and start it, or acknowledge it with a reason. */
    private void handle(JobQueue.Entry entry) {
        String jobId = entry.jobId();
        if (!JobIds.isValid(jobId)) {
            log.warn("Queue entry {} has a missing or malformed job_id {}; acknowledged and skipped", entry.id(), JobIds.quote(jobId));
            queue.ack(entry.id());
            return;
        }
        if (running.containsKey(jobId)) {
            return; // ours, already running
        }
        Map<String, String> hash = store.load(jobId).orElse(null);
        if (hash == null) {
            log.warn("Queue entry {} names job {}, which does not exist; acknowledged and skipped", entry.id(), jobId);
            queue.ack(entry.id());
            return;
        }
        Job job = Job.of(jobId, hash, entry.fields());
        JobStatus status = job.status().orElse(null);
        if (status == JobStatus.RUNNING) {
            recoverOrLeave(entry, job);
            return;
        }
        if (status != JobStatus.PENDING) {
            if (status != null && status.isTerminal() && job.hasStartedAt()) {
                completeEnded(jobId, status); // its runner may have died between the final status and the end marker
            }
            log.info("Job {} is {}, not pending; acknowledged and not run again", jobId, job.statusValue());
            queue.ack(entry.id());
            return;
        }
        String userId = job.userId();
        if (!slots.acquire(userId, jobId)) {
            synchronized (held) {
                held.add(entry); // the user is at MAX_JOBS_PER_USER: retried every loop and as soon as a job ends
            }
            return;
        }
        String claimed = store.claim(jobId, settings.runnerId(), pipeline.agentName(), System.currentTimeMillis());
        if (!"claimed".equals(claimed)) {
            slots.release(userId, jobId);
            queue.ack(entry.id());
            log.info("Job {} was {} when claimed; acknowledged and not run", jobId, claimed);
            return;
        }
        commands.sync().psetex(leaseKey(jobId), LEASE.toMillis(), settings.runnerId());
        JobControl control = new JobControl();
        running.put(jobId, new Running(entry, userId, control));
        free.decrementAndGet();
        jobs.execute(() -> run(entry, job, control));
    }

    private void run(JobQueue.Entry entry, Job job, JobControl control) {
        String jobId = job.id();
        String userId = job.userId();
        boolean finished = false;
        try {
            RedisOutputSink sink = RedisRetry.call("opening the output of job " + jobId, () -> output.openSink(jobId));
            long started = System.nanoTime();
            metrics.jobStarted(pipeline.agentName());
            JobOutcome outcome = pipeline.run(job, sink, control);
            metrics.jobEnded(pipeline.agentName(), outcome.status().value(), outcome.failureKind().map(FailureKind::value).orElse(""),
                    Duration.ofNanos(System.nanoTime() - started));
            finished = true; // the final status is written (execute retries it while Redis is away)
            try {
                sink.end(outcome.status().value());
                sink.close();
            } catch (RuntimeException e) {
                log.warn("Job {}: the end of its output could not be written: {}", jobId, e.getMessage());
            }
            log.info("Job {} ended {}{}", jobId, outcome.status(), outcome.message().isEmpty() ? "" : ": " + outcome.message());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("Job {} could not be run", jobId, e);
            try {
                RedisRetry.run("writing the final status of job " + jobId, () -> store.finish(jobId, FinalRecord.failed(FailureKind.INTERNAL,
                        "Internal error of runner " + settings.runnerId() + ": " + rootMessage(e), System.currentTimeMillis(), Map.of())));
                writeEnd(jobId, null, JobStatus.FAILED);
                finished = true;
            } catch (RuntimeException again) {
                log.error("Job {}: its final status could not be written; its queue entry stays pending for recovery", jobId);
            }
        } finally {
            try {
                slots.release(userId, jobId);
                if (finished) {
                    // Only a job with its final status is acknowledged; otherwise recovery finds it.
                    commands.sync().del(leaseKey(jobId));
                    queue.ack(entry.id());
                }
            } catch (RuntimeException e) {
                log.warn("Job {}: cleaning up its claim failed ({}); it will be recovered", jobId, rootMessage(e));
            }
            running.remove(jobId);
            free.incrementAndGet();
            synchronized (wakeUp) {
                wakeUp.notifyAll();
            }
        }
    }

    /** What a runner that died after a job's final status left undone: the end marker and the workspace. */
    private void completeEnded(String jobId, JobStatus status) {
        pipeline.removeWorkspace(jobId);
        List<io.lettuce.core.StreamMessage<String, String>> last = commands.sync().xrevrange(RedisOutput.outputKey(jobId),
                io.lettuce.core.Range.create("-", "+"), io.lettuce.core.Limit.from(1));
        if (last.isEmpty() || !OutputFields.TYPE_END.equals(last.get(0).getBody().get(OutputFields.TYPE))) {
            log.info("Job {} ended {} without its end marker; writing it", jobId, status);
            writeEnd(jobId, null, status);
        }
    }

    /** Writes a runner line (if any) and the end marker, retrying while Redis is away. */
    private void writeEnd(String jobId, String line, JobStatus status) {
        RedisRetry.run("writing the end of the output of job " + jobId, () -> {
            RedisOutputSink sink = output.openSink(jobId);
            try {
                if (line != null) {
                    sink.accept(io.repobox.agent.OutputLine.runnerError(line));
                }
                sink.end(status.value());
                sink.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        });
    }

    /** A running job whose entry reached us: its runner stopped (no lease), or it is alive (leave it). */
    private void recoverOrLeave(JobQueue.Entry entry, Job job) {
        String jobId = job.id();
        String owner = commands.sync().get(leaseKey(jobId));
        if (owner != null && !owner.equals(settings.runnerId())) {
            return; // its runner is alive and keeps it
        }
        // No lease, or ours from before a restart (we are not running it): its runner is gone.
        String runner = job.runnerId().isBlank() ? "(unknown)" : job.runnerId();
        String message = "Runner " + runner + " stopped while running this job";
        // Its processes may have outlived it on this host: stop them before anyone touches the job again.
        int stopped = io.repobox.agent.process.ProcessRunner.stopProcessesWithEnvironment(JobPipeline.JOB_TAG, jobId, Duration.ofSeconds(5));
        log.warn("Job {}: {}; marking it failed{}", jobId, message, stopped > 0 ? " (stopped " + stopped + " of its processes left on this host)" : "");
        pipeline.removeWorkspace(jobId); // a runner that died on this host left it
        RedisRetry.run("writing the final status of job " + jobId, () -> store.finish(jobId, FinalRecord.failed(FailureKind.INTERNAL, message,
                System.currentTimeMillis(), Map.of())));
        try {
            writeEnd(jobId, message, JobStatus.FAILED);
        } catch (RuntimeException e) {
            log.warn("Job {}: its end marker could not be written: {}", jobId, e.getMessage());
        }
        slots.release(job.userId(), jobId);
        queue.ack(entry.id());
    }

    /** Tries the held entries again while slots are free; returns how many are still held. */
    private int retryHeld() {
        List<JobQueue.Entry> batch;
        synchronized (held) {
            batch = new ArrayList<>(held);
            held.clear();
        }
        for (JobQueue.Entry e : batch) {
            if (free.get() > 0) {
                handle(e); // held again if the user is still at the limit
            } else {
                synchronized (held) {
                    held.add(e);
                }
            }
        }
        synchronized (held) {
            return held.size();
        }
    }

    private void maintenanceLoop() {
        long lastBeat = 0;
        long lastReclaim = 0;
        while (stopped.getCount() > 0) {
            metrics.loopTurned("maintenance");
            try {
                if (!groupReady) {
                    stopped.await(200, TimeUnit.MILLISECONDS);
                    continue;
                }
                for (Map.Entry<String, Running> r : running.entrySet()) {
                    if (store.cancelRequested(r.getKey())) {
                        r.getValue().control().stop(JobControl.Reason.CANCELLED);
                    }
                }
                long now = System.nanoTime();
                if (now - lastBeat >= HEARTBEAT.toNanos()) {
                    lastBeat = now;
                    heartbeat.beat(running.size());
                    List<String> ids = new ArrayList<>();
                    for (Map.Entry<String, Running> r : running.entrySet()) {
                        commands.sync().psetex(leaseKey(r.getKey()), LEASE.toMillis(), settings.runnerId());
                        slots.renew(r.getValue().userId(), r.getKey());
                        ids.add(r.getValue().entry().id());
                    }
                    synchronized (held) {
                        held.forEach(e -> ids.add(e.id()));
                    }
                    queue.touch(ids); // our entries never look idle to other runners
                }
                if (accepting && now - lastReclaim >= settings.reclaimIdle().toNanos() / 2) {
                    lastReclaim = now;
                    for (JobQueue.Entry e : queue.reclaim(settings.reclaimIdle(), 100)) {
                        log.info("Reclaimed queue entry {} (job {}) from a runner that stopped", e.id(), JobIds.quote(e.jobId()));
                        synchronized (held) {
                            held.add(e); // the dispatcher handles it
                        }
                    }
                }
            } catch (RuntimeException e) {
                log.warn("Maintenance against Redis failed ({}); retrying", rootMessage(e));
            } catch (InterruptedException e) {
                return;
            }
            try {
                stopped.await(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Stops taking jobs, puts back entries not started, lets running jobs finish for the shutdown
     * grace period, then stops them (status cancelled, with a message naming this runner).
     */
    public void shutdown() {
        if (!accepting) {
            awaitQuietly();
            return;
        }
        accepting = false;
        log.info("Runner {} is shutting down: {} job(s) running", settings.runnerId(), running.size());
        if (dispatcher != null) {
            dispatcher.interrupt();
            try {
                dispatcher.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (held) {
            for (JobQueue.Entry e : held) {
                try {
                    queue.release(e); // back in the queue, at once, for any runner
                } catch (RuntimeException ex) {
                    log.warn("Could not put back queue entry {}: {}", e.id(), ex.getMessage());
                }
            }
            held.clear();
        }
        long deadline = System.nanoTime() + settings.shutdownGrace().toNanos();
        while (!running.isEmpty() && System.nanoTime() < deadline) {
            synchronized (wakeUp) {
                try {
                    wakeUp.wait(200);
                } catch (InterruptedException e) {
                    break;
                }
            }
        }
        running.values().forEach(r -> r.control().stop(JobControl.Reason.SHUTDOWN));
        jobs.shutdown();
        try {
            jobs.awaitTermination(2, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stopped.countDown();
        try {
            if (maintenance != null) {
                maintenance.join(2_000); // its last beat must not come after the removal
            }
            heartbeat.remove(); // gone from `runners` at once, not after the TTL
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.warn("Could not remove the heartbeat of runner {}: {}", settings.runnerId(), rootMessage(e));
        }
    }

    private void awaitQuietly() {
        try {
            stopped.await(3, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        shutdown();
        blocking.close();
    }

    static String leaseKey(String jobId) {
        return "job:" + jobId + ":lease";
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage());
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
