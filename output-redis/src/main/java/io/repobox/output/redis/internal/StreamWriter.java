package io.repobox.output.redis.internal;

import io.repobox.redis.Backoff;
import io.repobox.redis.Redis;
import io.repobox.redis.RedisScript;
import io.lettuce.core.ScriptOutputType;
import io.repobox.output.redis.RedisOutputException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
 * line goes out at once) and sends each job's share as one call of {@link #APPEND_SCRIPT}, which
 * performs one XADD per line with the entry's explicit id (one call instead of one command per line:
 * Lettuce's per-command cost on its single event-loop thread capped plain pipelined XADDs at about
 * 130k lines/s on two cores). Calls are pipelined; up to
 * {@value #MAX_IN_FLIGHT} batches are on the wire before the oldest one's replies are read, and
 * meanwhile new lines queue up and form the next batches, so batches grow with load.
 * Jobs are served round-robin. A batch that Redis does not answer (down, restarting, paused) is
 * sent again (Lettuce also replays it after reconnecting) until the outage timeout; the script skips
 * entries the stream already holds, so nothing is stored twice. Past the timeout, the jobs fail.
 */
public final class StreamWriter implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(StreamWriter.class);
    private static final int MAX_BATCH = 1024;
    private static final int MAX_BATCH_BYTES = 1024 * 1024;
    /** Batches sent before the oldest one's replies are read. */
    private static final int MAX_IN_FLIGHT = 4;

    private record Pending(JobOutputBuffer job, JobOutputBuffer.Entry entry) {
    }

    private final Redis.Connection connection;
    private final Duration outageTimeout;
    private final long ttlSeconds;
    private final Set<JobOutputBuffer> jobs = ConcurrentHashMap.newKeySet();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private volatile boolean idle;
    // Counters for OutputStats: the plain ones are written by the writer thread alone, the adders by Lettuce's.
    /** Written by the writer thread only (so += is safe), read by any thread for the statistics. */
    private volatile long linesWritten;
    private volatile long bytesWritten;
    private volatile long retries;
    private final java.util.concurrent.atomic.LongAdder writes = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder writeNanos = new java.util.concurrent.atomic.LongAdder();
    private volatile boolean closing;
    private int roundRobin;

    public StreamWriter(Redis.Connection connection, Duration outageTimeout, Duration ttl) {
        this.connection = connection;
        this.outageTimeout = outageTimeout;
        this.ttlSeconds = ttl.toSeconds();
        connection.stateful().setAutoFlushCommands(false);
    }

    public JobOutputBuffer open(String key, String lastId, int maxLines, int bufferBytes) {
        JobOutputBuffer job = new JobOutputBuffer(key, lastId, maxLines, bufferBytes, outageTimeout, this);
        jobs.add(job);
        return job;
    }

    public void release(JobOutputBuffer job) {
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

    /** The writer's counters so far. */
    public io.repobox.output.redis.OutputStats stats() {
        return new io.repobox.output.redis.OutputStats(linesWritten, bytesWritten, writes.sum(), writeNanos.sum(), retries);
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

    /**
     * Appends entries to one stream: one XADD per entry, in order, then refreshes the TTL.
     * ARGV[2] is the id of the entry before the first one: if the stream exists and its top is below
     * it, an earlier call has not arrived yet (its retry is coming), so this call refuses with GAP
     * rather than get ahead of it. Entries whose id the stream already holds are skipped (a replay).
     * Atomic, so a call sent twice changes nothing the second time. Returns {processed} or
     * {processed, error} when the entry after the processed ones failed.
     * KEYS[1] the stream; ARGV[1] TTL seconds (0: leave it); ARGV[2] the previous id; then per entry:
     * id, field count, fields.
     */
    static final RedisScript APPEND_SCRIPT = RedisScript.load(StreamWriter.class, "append.lua");

    /** One job's share of a batch: one script call. */
    private record Chunk(JobOutputBuffer job, List<JobOutputBuffer.Entry> entries, CompletableFuture<List<Object>> reply) {
    }

    /** A batch sent to Redis whose replies have not been read yet. */
    private record InFlight(List<Chunk> chunks, long deadline) {
    }

    @Override
    public void run() {
        ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
        List<JobOutputBuffer.Entry> taken = new ArrayList<>(MAX_BATCH);
        try {
            while (true) {
                if (inFlight.size() < MAX_IN_FLIGHT) {
                    List<Pending> batch = new ArrayList<>(MAX_BATCH);
                    collect(batch, taken);
                    if (!batch.isEmpty()) {
                        // Send now and read the replies later: encoding, Redis and decoding overlap.
                        inFlight.addLast(send(batch, System.nanoTime() + outageTimeout.toNanos()));
                        continue;
                    }
                }
                if (!inFlight.isEmpty()) {
                    settle(inFlight.pollFirst());
                    continue;
                }
                if (closing) {
                    return;
                }
                awaitWork();
            }
        } catch (RuntimeException | Error e) {
            log.error("The Redis output writer stopped unexpectedly", e);
            jobs.forEach(j -> j.fail(new RedisOutputException("the Redis output writer stopped: " + e, e)));
        }
    }

    private void collect(List<Pending> batch, List<JobOutputBuffer.Entry> taken) {
        List<JobOutputBuffer> snapshot = new ArrayList<>(jobs);
        int n = snapshot.size();
        if (n == 0) {
            return;
        }
        int perJob = Math.max(64, MAX_BATCH / n);
        int start = roundRobin++ % n;
        for (int i = 0; i < n && batch.size() < MAX_BATCH; i++) {
            JobOutputBuffer job = snapshot.get((start + i) % n);
            taken.clear();
            job.drainTo(taken, Math.min(perJob, MAX_BATCH - batch.size()), MAX_BATCH_BYTES / n);
            for (JobOutputBuffer.Entry e : taken) {
                batch.add(new Pending(job, e));
            }
        }
    }

    @SuppressWarnings("WaitNotInLoop") // a bounded nap: the writer's loop re-checks for work after it, woken or not
    private void awaitWork() {
        lock.lock();
        try {
            idle = true;
            // Re-check after announcing idleness: a producer that queued before reading `idle` did not signal.
            for (JobOutputBuffer job : jobs) {
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

    /** Sends the batch as one script call per job, pipelined, and flushes. */
    private InFlight send(List<Pending> batch, long deadline) {
        List<Chunk> chunks = new ArrayList<>();
        long now = System.nanoTime();
        int from = 0;
        for (int i = 0; i < batch.size(); i++) {
            boolean lastOfJob = i + 1 == batch.size() || batch.get(i + 1).job() != batch.get(i).job();
            if (lastOfJob) {
                chunks.add(sendChunk(batch.subList(from, i + 1), now));
                from = i + 1;
            }
        }
        connection.stateful().flushCommands();
        return new InFlight(chunks, deadline);
    }

    private Chunk sendChunk(List<Pending> pending, long now) {
        JobOutputBuffer job = pending.get(0).job();
        List<JobOutputBuffer.Entry> entries = new ArrayList<>(pending.size());
        boolean end = false;
        int argc = 2;
        for (Pending p : pending) {
            entries.add(p.entry());
            end |= p.entry().end();
            argc += 2 + p.entry().fields().length;
        }
        // Keep the stream alive while the job runs; after the end marker it lives for the TTL.
        boolean expire = end || job.lastExpireNanos == 0 || now - job.lastExpireNanos > TimeUnit.SECONDS.toNanos(ttlSeconds) / 2;
        if (expire) {
            job.lastExpireNanos = now;
        }
        String[] args = new String[argc];
        args[0] = expire ? Long.toString(ttlSeconds) : "0";
        args[1] = entries.get(0).previousId();
        int a = 2;
        for (JobOutputBuffer.Entry e : entries) {
            args[a++] = e.id();
            args[a++] = Integer.toString(e.fields().length);
            System.arraycopy(e.fields(), 0, args, a, e.fields().length);
            a += e.fields().length;
        }
        CompletableFuture<List<Object>> reply = APPEND_SCRIPT.<List<Object>>evalAsync(connection, ScriptOutputType.MULTI,
                new String[] {job.key()}, args).toCompletableFuture();
        var unused = reply.whenComplete((r, e) -> {
            if (e == null) {
                writes.increment();
                writeNanos.add(System.nanoTime() - now);
            }
        });
        return new Chunk(job, entries, reply);
    }

    /**
     * Reads a batch's replies. Calls that failed for a reason that can pass (connection lost, timeout,
     * LOADING…) are sent again, with the same ids, until the outage deadline; past it, or on an error
     * that cannot pass, their jobs fail.
     */
    @SuppressWarnings("NonAtomicVolatileUpdate") // the counters have this one writer thread
    private void settle(InFlight sent) {
        InFlight current = sent;
        boolean warned = false;
        Backoff backoff = new Backoff(Duration.ofMillis(50), Duration.ofSeconds(1));
        while (true) {
            List<Pending> retry = new ArrayList<>();
            String lastError = "";
            RuntimeException outage = null;
            for (Chunk chunk : current.chunks()) {
                JobOutputBuffer job = chunk.job();
                if (outage != null) {
                    job.fail(outage);
                    continue;
                }
                if (job.failed()) {
                    continue;
                }
                int done = 0;
                String error = null;
                Throwable cause = null;
                try {
                    List<Object> reply = chunk.reply().get(Math.max(0, current.deadline() - System.nanoTime()), TimeUnit.NANOSECONDS);
                    done = ((Long) reply.get(0)).intValue();
                    if (reply.size() > 1) {
                        error = String.valueOf(reply.get(1));
                    }
                } catch (ExecutionException e) {
                    cause = e.getCause();
                    error = String.valueOf(cause.getMessage());
                } catch (TimeoutException e) {
                    outage = new RedisOutputException("Redis did not accept output for " + outageTimeout.toSeconds() + "s ("
                            + job.key() + "); it is unreachable or overloaded");
                    log.error(outage.getMessage());
                    job.fail(outage);
                    continue;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    outage = new RedisOutputException("interrupted while writing output");
                    job.fail(outage);
                    continue;
                }
                long size = 0;
                for (int i = 0; i < done; i++) {
                    JobOutputBuffer.Entry e = chunk.entries().get(i);
                    job.written(e);
                    for (String f : e.fields()) {
                        size += f.length();
                    }
                }
                linesWritten += done;
                bytesWritten += size;
                if (error == null) {
                    continue;
                }
                if (Redis.isPermanent(cause, error)) {
                    job.fail(new RedisOutputException("Redis refused to write to " + job.key() + ": " + error, cause));
                    continue;
                }
                for (int i = done; i < chunk.entries().size(); i++) {
                    retry.add(new Pending(job, chunk.entries().get(i)));
                }
                lastError = error;
                if (!warned) {
                    log.warn("Writing output to Redis failed ({}); retrying for up to {}s", error, outageTimeout.toSeconds());
                    warned = true;
                }
            }
            if (retry.isEmpty()) {
                if (warned) {
                    log.info("Writing output to Redis works again");
                }
                return;
            }
            if (System.nanoTime() > current.deadline()) {
                RedisOutputException e = new RedisOutputException("Redis did not accept output for " + outageTimeout.toSeconds()
                        + "s (" + retry.get(0).job().key() + "); last error: " + lastError);
                retry.forEach(p -> p.job().fail(e));
                return;
            }
            Backoff.pause(backoff.next());
            current = send(retry, current.deadline());
            retries += current.chunks().size();
        }
    }
}
