package io.repobox.runner.service;

import io.repobox.redis.Redis;
import io.repobox.runner.job.JobIds;
import io.repobox.runner.job.JobLeases;
import io.repobox.runner.job.JobQueue;
import io.repobox.runner.job.JobStore;
import io.repobox.runner.job.UserSlots;
import io.repobox.runner.ops.Heartbeat;
import io.repobox.runner.ops.RunnerMetrics;
import io.repobox.runner.pipeline.JobControl;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runner's periodic work against Redis, on one scheduled thread: every second it looks for cancel
 * requests of its running jobs; every {@link Heartbeat#INTERVAL} it beats and renews the leases,
 * per-user slots and queue claims of what it holds (so none of it looks abandoned to other runners);
 * every half RECLAIM_IDLE it takes over the queue entries of runners that stopped (they are held
 * for the dispatcher). A failing round is logged and the next one tries again.
 */
final class Upkeep {

    private static final Logger log = LoggerFactory.getLogger(Upkeep.class);
    private static final Duration CANCEL_POLL = Duration.ofSeconds(1);

    private final RunningJobs running;
    private final Queue<JobQueue.Entry> held;
    private final JobStore store;
    private final JobLeases leases;
    private final UserSlots slots;
    private final JobQueue queue;
    private final Heartbeat heartbeat;
    private final Duration reclaimIdle;
    private final BooleanSupplier accepting;
    private final RunnerMetrics metrics;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "repobox-upkeep");
        t.setDaemon(true);
        return t;
    });

    Upkeep(RunningJobs running, Queue<JobQueue.Entry> held, JobStore store, JobLeases leases, UserSlots slots, JobQueue queue,
           Heartbeat heartbeat, Duration reclaimIdle, BooleanSupplier accepting, RunnerMetrics metrics) {
        this.metrics = metrics;
        this.running = running;
        this.held = held;
        this.store = store;
        this.leases = leases;
        this.slots = slots;
        this.queue = queue;
        this.heartbeat = heartbeat;
        this.reclaimIdle = reclaimIdle;
        this.accepting = accepting;
    }

    /** Starts the rounds (once the consumer group exists: before that there is nothing to touch or reclaim). */
    void start() {
        schedule("checking for cancel requests", this::cancels, CANCEL_POLL);
        schedule("renewing leases", this::renew, Heartbeat.INTERVAL);
        schedule("reclaiming entries of stopped runners", this::reclaim, reclaimIdle.dividedBy(2));
    }

    private void schedule(String what, Runnable round, Duration every) {
        var unused = scheduler.scheduleWithFixedDelay(() -> { // ends with the scheduler; a round's failure is logged in it
            try {
                round.run();
            } catch (RuntimeException e) {
                log.warn("Upkeep ({}) against Redis failed ({}); retrying", what, Redis.rootMessage(e));
            }
        }, 0, Math.max(1, every.toMillis()), TimeUnit.MILLISECONDS);
    }

    private void cancels() {
        metrics.loopTurned("maintenance"); // every second: /healthz sees the upkeep thread is alive
        for (Map.Entry<String, RunningJobs.Running> r : running.all().entrySet()) {
            if (store.cancelRequested(r.getKey())) {
                r.getValue().control().stop(JobControl.Reason.CANCELLED);
            }
        }
    }

    private void renew() {
        heartbeat.beat(running.size());
        List<String> ids = new ArrayList<>();
        for (Map.Entry<String, RunningJobs.Running> r : running.all().entrySet()) {
            leases.hold(r.getKey());
            slots.renew(r.getValue().userId(), r.getKey());
            ids.add(r.getValue().entry().id());
        }
        held.forEach(e -> ids.add(e.id()));
        queue.touch(ids); // our entries never look idle to other runners
    }

    private void reclaim() {
        if (!accepting.getAsBoolean()) {
            return;
        }
        for (JobQueue.Entry e : queue.reclaim(reclaimIdle, 100)) {
            log.info("Reclaimed queue entry {} (job {}) from a runner that stopped", e.id(), JobIds.quote(e.jobId()));
            held.add(e); // the dispatcher handles it
        }
    }

    /** Stops the rounds and waits for one in progress to end; then removes the heartbeat (no beat can come after). */
    void stop() {
        scheduler.shutdown(); // no new rounds; one in progress finishes
        metrics.loopEnded("maintenance");
        try {
            if (!scheduler.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("Upkeep did not stop within 5s");
            }
            heartbeat.remove(); // gone from `runners` at once, not after the TTL
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.warn("Could not remove the heartbeat: {}", Redis.rootMessage(e));
        }
    }
}
