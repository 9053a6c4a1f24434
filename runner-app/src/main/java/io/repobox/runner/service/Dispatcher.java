package io.repobox.runner.service;

import io.repobox.output.redis.RedisOutput;
import io.repobox.output.redis.RedisOutputSink;
import io.repobox.redis.Redis;
import io.repobox.redis.Backoff;
import io.repobox.runner.job.FailureKind;
import io.repobox.runner.job.FinalRecord;
import io.repobox.runner.job.Job;
import io.repobox.runner.job.JobIds;
import io.repobox.runner.job.JobLeases;
import io.repobox.runner.job.JobQueue;
import io.repobox.runner.job.JobStatus;
import io.repobox.runner.job.JobStore;
import io.repobox.runner.job.RedisRetry;
import io.repobox.runner.job.UserSlots;
import io.repobox.runner.ops.RunnerMetrics;
import io.repobox.runner.pipeline.JobControl;
import io.repobox.runner.pipeline.JobOutcome;
import io.repobox.runner.pipeline.JobPipeline;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes entries from the queue while this runner has free job slots and starts their jobs: decides
 * on each ({@link Admission}), takes the user's slot, claims the job and hands it to a job thread.
 * Entries whose user is at MAX_JOBS_PER_USER, and entries reclaimed from stopped runners, are held
 * and tried again every round. The job thread runs the pipeline, writes the end marker, and only
 * then acknowledges the entry (an entry of a job without its final record stays for recovery).
 */
final class Dispatcher {

    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

    /** The parts the dispatcher works with. */
    record Parts(String runnerId, JobQueue queue, JobStore store, UserSlots slots, JobLeases leases, RedisOutput output,
                 JobPipeline pipeline, Recovery recovery, RunnerMetrics metrics, String redisUrl) {
    }

    private final Parts parts;
    private final RunningJobs running;
    private final Queue<JobQueue.Entry> held;
    private final ExecutorService jobs;
    private final Runnable onReady;
    private final Thread thread;
    private volatile boolean stopping;

    /** @param onReady called once the consumer group exists and the entries left from before a restart are handled */
    Dispatcher(Parts parts, RunningJobs running, Queue<JobQueue.Entry> held, ExecutorService jobs, Runnable onReady) {
        this.parts = parts;
        this.running = running;
        this.held = held;
        this.jobs = jobs;
        this.onReady = onReady;
        this.thread = new Thread(this::loop, "repobox-dispatcher");
    }

    void start() {
        thread.start();
    }

    /** Stops taking entries and waits (up to 5 s) for a round in progress. */
    void stop() {
        stopping = true;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void loop() {
        try {
            rounds();
        } finally {
            if (stopping) {
                parts.metrics().loopEnded("dispatcher"); // a long graceful shutdown is not a stuck runner: /healthz stops watching
            }
        }
    }

    private void rounds() {
        Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));
        boolean ready = false;
        while (!stopping) {
            parts.metrics().loopTurned("dispatcher");
            try {
                if (!ready) {
                    parts.queue().ensureGroup();
                    handleAll(parts.queue().ownPending(1000)); // delivered to this RUNNER_ID before a restart
                    onReady.run();
                    ready = true;
                }
                int waiting = retryHeld();
                int room = running.freeSlots() - waiting;
                if (room <= 0) {
                    running.awaitFree(waiting + 1, Duration.ofMillis(500)); // a finishing job wakes us at once
                    continue;
                }
                handleAll(parts.queue().read(room, Duration.ofSeconds(1)));
                backoff.reset();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (stopping) {
                    return;
                }
                Duration wait = backoff.next();
                log.warn("Redis at {} is unreachable or failing ({}); retrying in {} ms", parts.redisUrl(), Redis.rootMessage(e),
                        wait.toMillis());
                if (!Backoff.pause(wait)) {
                    return;
                }
            }
        }
    }

    /** Tries the held entries again while slots are free; returns how many are still held. */
    private int retryHeld() {
        for (int n = held.size(); n > 0 && running.freeSlots() > 0; n--) {
            JobQueue.Entry e = held.poll();
            if (e == null) {
                break;
            }
            handleAll(List.of(e)); // held again if the user is still at the limit
        }
        return held.size();
    }

    /**
     * Handles {@code entries} in turn. When the runner is stopping, the stop interrupts this thread
     * and so the Redis call under way: the entry being handled and those after it go back to the held
     * entries, which the shutdown then acknowledges or puts back in the queue, instead of staying
     * pending on this runner with nothing left to handle them.
     */
    private void handleAll(List<JobQueue.Entry> entries) {
        for (int i = 0; i < entries.size(); i++) {
            try {
                handle(entries.get(i));
            } catch (RuntimeException e) {
                if (stopping) {
                    held.addAll(entries.subList(i, entries.size()));
                }
                throw e;
            }
        }
    }

    /** One queue entry: validate, claim, and start it, or acknowledge it with a reason. */
    private void handle(JobQueue.Entry entry) {
        String jobId = entry.jobId();
        boolean here = running.contains(jobId);
        Optional<Job> loaded = Admission.needsJob(jobId, here)
                ? parts.store().load(jobId).map(hash -> Job.of(jobId, hash, entry.fields())) : Optional.empty();
        Admission admission = Admission.of(jobId, here, loaded);
        Job job = loaded.orElse(null);
        switch (admission) {
            case MALFORMED -> {
                log.warn("Queue entry {} has a missing or malformed job_id {}; acknowledged and skipped", entry.id(), JobIds.quote(jobId));
                failMalformed(jobId);
                parts.queue().ack(entry);
            }
            case OURS -> { } // a redelivery of a job this runner runs
            case MISSING -> {
                log.warn("Queue entry {} names job {}, which does not exist; acknowledged and skipped", entry.id(), jobId);
                parts.queue().ack(entry);
            }
            case RUNNING_ELSEWHERE -> parts.recovery().recoverOrLeave(entry, job);
            case ENDED, NOT_PENDING -> {
                if (admission == Admission.ENDED) {
                    // its runner may have died between the final status and the end marker
                    parts.recovery().completeEnded(jobId, job.status().orElseThrow());
                }
                log.info("Job {} is {}, not pending; acknowledged and not run again", jobId, job.statusValue());
                parts.queue().ack(entry);
            }
            case TAKE -> take(entry, job);
        }
    }

    /**
     * A pending job whose id is not a valid job id is marked failed, so that it does not stay pending
     * forever. The id is used only as a Redis key here: nothing builds a path, a branch or a command from it.
     */
    private void failMalformed(String jobId) {
        if (jobId == null || jobId.isEmpty()) {
            return;
        }
        boolean pending = parts.store().load(jobId).map(h -> JobStatus.PENDING.value().equals(h.get("status"))).orElse(false);
        if (pending) {
            parts.store().finish(jobId, FinalRecord.failed(FailureKind.INTERNAL, "The job id " + JobIds.quote(jobId) + " is not a valid "
                    + "job id (letters, digits, '_' and '-', at most 128), so the job was not run", System.currentTimeMillis(), Map.of()));
        }
    }

    private void take(JobQueue.Entry entry, Job job) {
        String jobId = job.id();
        if (!running.reserve()) {
            held.add(entry); // no free slot after all: next round
            return;
        }
        boolean started = false;
        try {
            if (!parts.slots().acquire(job.userId(), jobId)) {
                held.add(entry); // the user is at MAX_JOBS_PER_USER: retried every round and as soon as a job ends
                return;
            }
            String claimed = parts.store().claim(jobId, parts.runnerId(), parts.pipeline().agentName(), System.currentTimeMillis());
            if (JobStatus.RUNNING.value().equals(claimed)) {
                // Another runner won the claim: the same entry reached both (a restarted runner and the
                // one that reclaimed its entries). The job is that runner's now, and so are its user
                // slot (the job id in the user's set: releasing it would let a further job of the user
                // start while this one runs) and its entry, left pending as for any job running
                // elsewhere: that runner acknowledges it at the end, or recovery finds it if it dies.
                log.info("Job {} was claimed by another runner first; left to it", jobId);
                return;
            }
            if (!"claimed".equals(claimed)) {
                parts.slots().release(job.userId(), jobId);
                parts.queue().ack(entry);
                log.info("Job {} was {} when claimed; acknowledged and not run", jobId, claimed);
                return;
            }
            parts.leases().hold(jobId);
            JobControl control = new JobControl();
            running.started(jobId, new RunningJobs.Running(entry, job.userId(), control));
            started = true;
            jobs.execute(() -> run(entry, job, control));
        } finally {
            if (!started) {
                running.unreserve();
            }
        }
    }

    /** The job thread: the pipeline, the end marker, then the acknowledgement; the slot is freed whatever happens. */
    private void run(JobQueue.Entry entry, Job job, JobControl control) {
        String jobId = job.id();
        boolean finished = false;
        try {
            RedisOutputSink sink = RedisRetry.call("opening the output of job " + jobId, () -> parts.output().openSink(jobId));
            long started = System.nanoTime();
            parts.metrics().jobStarted(parts.pipeline().agentName());
            JobOutcome outcome = parts.pipeline().run(job, sink, control);
            parts.metrics().jobEnded(parts.pipeline().agentName(), outcome.status().value(),
                    outcome.failureKind().map(FailureKind::value).orElse(""), Duration.ofNanos(System.nanoTime() - started));
            finished = true; // the final status is written (the pipeline retries it while Redis is away)
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
                RedisRetry.run("writing the final status of job " + jobId, () -> parts.store().finish(jobId, FinalRecord.failed(
                        FailureKind.INTERNAL, "Internal error of runner " + parts.runnerId() + ": " + Redis.rootMessage(e),
                        System.currentTimeMillis(), Map.of())));
                parts.recovery().writeEnd(jobId, null, JobStatus.FAILED);
                finished = true;
            } catch (RuntimeException again) {
                log.error("Job {}: its final status could not be written; its queue entry stays pending for recovery", jobId);
            }
        } finally {
            try {
                parts.slots().release(job.userId(), jobId);
                if (finished) {
                    // Only a job with its final status is acknowledged; otherwise recovery finds it.
                    parts.leases().release(jobId);
                    parts.queue().ack(entry);
                }
            } catch (RuntimeException e) {
                log.warn("Job {}: cleaning up its claim failed ({}); it will be recovered", jobId, Redis.rootMessage(e));
            }
            running.ended(jobId);
        }
    }
}
