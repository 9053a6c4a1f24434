package io.repobox.output.redis.internal;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.XAddArgs;
import io.repobox.output.redis.RedisOutputException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that writes every job's output to Redis, over one connection with auto-flush off.
 *
 * <p>It takes whatever is queued at the moment (never waiting for a batch to fill, so a single
 * line goes out at once), pipelines it as XADDs with explicit ids, flushes, and waits for the
 * replies; while it waits, new lines queue up and form the next batch, so batches grow with load.
 * Jobs are served round-robin. A batch that Redis does not answer (down, restarting, paused) is
 * waited for up to the outage timeout: Lettuce reconnects and replays it, and replies that say an
 * entry already exists count as written. Past the timeout, the jobs in the batch fail.
 */
public final class StreamWriter implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(StreamWriter.class);
    private static final int MAX_BATCH = 1024;
    private static final int MAX_BATCH_BYTES = 1024 * 1024;
    private static final String ALREADY_WRITTEN = "equal or smaller than the target stream top item";

    private record Pending(JobStream job, JobStream.Entry entry) {
    }

    private final RedisConnector.Connection connection;
    private final Duration outageTimeout;
    private final long ttlSeconds;
    private final Set<JobStream> jobs = ConcurrentHashMap.newKeySet();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private volatile boolean idle;
    private volatile boolean closing;
    private int roundRobin;

    public StreamWriter(RedisConnector.Connection connection, Duration outageTimeout, Duration ttl) {
        this.connection = connection;
        this.outageTimeout = outageTimeout;
        this.ttlSeconds = ttl.toSeconds();
        connection.stateful().setAutoFlushCommands(false);
    }

    public JobStream open(String key, String lastId, int maxLines, int bufferBytes) {
        JobStream job = new JobStream(key, lastId, maxLines, bufferBytes, outageTimeout, this);
        jobs.add(job);
        return job;
    }

    public void release(JobStream job) {
        jobs.remove(job);
    }

    /** Called by producers after queueing: wakes the writer if it sleeps. */
    void wakeUp() {
        if (idle) {
            lock.lock();
            try {
                work.signal();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Lets the thread end once nothing is queued. */
    public void shutdown() {
        closing = true;
        lock.lock();
        try {
            work.signal();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void run() {
        List<Pending> batch = new ArrayList<>(MAX_BATCH);
        List<JobStream.Entry> taken = new ArrayList<>(MAX_BATCH);
        try {
            while (true) {
                batch.clear();
                collect(batch, taken);
                if (batch.isEmpty()) {
                    if (closing) {
                        return;
                    }
                    awaitWork();
                    continue;
                }
                write(batch);
            }
        } catch (RuntimeException | Error e) {
            log.error("The Redis output writer stopped unexpectedly", e);
            jobs.forEach(j -> j.fail(new RedisOutputException("the Redis output writer stopped: " + e, e)));
        }
    }

    private void collect(List<Pending> batch, List<JobStream.Entry> taken) {
        List<JobStream> snapshot = new ArrayList<>(jobs);
        int n = snapshot.size();
        if (n == 0) {
            return;
        }
        int perJob = Math.max(64, MAX_BATCH / n);
        int start = roundRobin++ % n;
        for (int i = 0; i < n && batch.size() < MAX_BATCH; i++) {
            JobStream job = snapshot.get((start + i) % n);
            taken.clear();
            job.drainTo(taken, Math.min(perJob, MAX_BATCH - batch.size()), MAX_BATCH_BYTES / n);
            for (JobStream.Entry e : taken) {
                batch.add(new Pending(job, e));
            }
        }
    }

    private void awaitWork() {
        lock.lock();
        try {
            idle = true;
            // Re-check after announcing idleness: a producer that queued before reading `idle` did not signal.
            for (JobStream job : jobs) {
                if (job.hasQueued()) {
                    return;
                }
            }
            if (!closing) {
                work.await(100, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closing = true;
        } finally {
            idle = false;
            lock.unlock();
        }
    }

    private void write(List<Pending> batch) {
        long deadline = System.nanoTime() + outageTimeout.toNanos();
        List<Pending> pending = batch;
        boolean warned = false;
        String lastError = "";
        long backoffMs = 50;
        while (true) {
            List<RedisFuture<String>> futures = new ArrayList<>(pending.size());
            List<RedisFuture<Boolean>> expiries = new ArrayList<>();
            long now = System.nanoTime();
            for (int i = 0; i < pending.size(); i++) {
                Pending p = pending.get(i);
                futures.add(connection.async().xadd(p.job().key(), new XAddArgs().id(p.entry().id()), (Object[]) p.entry().fields()));
                boolean lastOfJobInBatch = i + 1 == pending.size() || pending.get(i + 1).job() != p.job();
                if (lastOfJobInBatch && (p.entry().end() || now - p.job().lastExpireNanos > TimeUnit.SECONDS.toNanos(ttlSeconds) / 2
                        || p.job().lastExpireNanos == 0)) {
                    // Keep the stream alive while the job runs; after the end marker it lives for the TTL.
                    expiries.add(connection.async().expire(p.job().key(), ttlSeconds));
                    p.job().lastExpireNanos = now;
                }
            }
            connection.stateful().flushCommands();

            List<Pending> retry = new ArrayList<>();
            RuntimeException outage = null;
            for (int i = 0; i < futures.size(); i++) {
                Pending p = pending.get(i);
                if (outage != null || p.job().failed()) {
                    if (outage != null) {
                        p.job().fail(outage);
                    }
                    continue;
                }
                try {
                    futures.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    p.job().written(p.entry());
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    String message = String.valueOf(cause.getMessage());
                    if (message.contains(ALREADY_WRITTEN)) {
                        p.job().written(p.entry()); // a replay after a reconnect: the first copy got there
                    } else if (isPermanent(cause)) {
                        p.job().fail(new RedisOutputException("Redis refused to write to " + p.job().key() + ": " + message, cause));
                    } else {
                        retry.add(p);
                        lastError = message;
                        if (!warned) {
                            log.warn("Writing output to Redis failed ({}); retrying for up to {}s", message, outageTimeout.toSeconds());
                            warned = true;
                        }
                    }
                } catch (TimeoutException e) {
                    outage = new RedisOutputException("Redis did not accept output for " + outageTimeout.toSeconds() + "s ("
                            + p.job().key() + "); it is unreachable or overloaded");
                    log.error(outage.getMessage());
                    p.job().fail(outage);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    outage = new RedisOutputException("interrupted while writing output");
                    p.job().fail(outage);
                }
            }
            for (RedisFuture<Boolean> f : expiries) {
                try {
                    f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (ExecutionException | TimeoutException e) {
                    log.debug("EXPIRE failed: {}", e.toString()); // set again with the next batch or the end marker
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (retry.isEmpty()) {
                if (warned) {
                    log.info("Writing output to Redis works again");
                }
                return;
            }
            if (System.nanoTime() > deadline) {
                RedisOutputException e = new RedisOutputException("Redis did not accept output for " + outageTimeout.toSeconds()
                        + "s (" + retry.get(0).job().key() + "); last error: " + lastError);
                retry.forEach(p -> p.job().fail(e));
                return;
            }
            sleep(backoffMs);
            backoffMs = Math.min(1000, backoffMs * 2);
            pending = retry;
        }
    }

    /** Errors that retrying cannot fix: the key holds another type, a command is unknown, ... */
    private static boolean isPermanent(Throwable cause) {
        if (!(cause instanceof RedisCommandExecutionException)) {
            return false; // connection problems and timeouts: retry
        }
        String m = String.valueOf(cause.getMessage());
        return !(m.startsWith("LOADING") || m.startsWith("BUSY") || m.startsWith("OOM") || m.startsWith("TRYAGAIN")
                || m.startsWith("CLUSTERDOWN") || m.startsWith("MASTERDOWN") || m.startsWith("READONLY") || m.startsWith("MOVED")
                || m.startsWith("ASK"));
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
