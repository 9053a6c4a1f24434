package io.repobox.output.redis.internal;

import io.repobox.agent.output.OutputLine;
import io.repobox.output.redis.OutputFields;
import io.repobox.output.redis.RedisOutputException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The state of one job's output stream: lines waiting for the writer, the next entry id, the
 * line count against the cap. Producers call {@link #offerLine} and {@link #offerEnd}; the
 * {@link StreamWriter} takes entries and reports them written.
 *
 * <p>Each entry gets its stream id here, in the order lines are accepted: ids are
 * {@code <ms>-<seq>}, strictly increasing and above the stream's last id when it was opened. That
 * makes writes idempotent: an entry that reaches Redis twice (a replay after a reconnect) is
 * skipped the second time, because its id is not above the stream's top item. So lines are stored
 * once each, in order, through outages.
 */
public final class JobOutputBuffer {

    /**
     * One entry: its id, the id of the entry before it in this job ("0-0" for the first of a new
     * stream), its flattened field/value pairs, and its size for the byte budget.
     */
    public record Entry(String id, String previousId, String[] fields, int bytes, boolean end) {
    }

    private final String key;
    private final int maxLines;
    private final int bufferBytes;
    private final Duration outageTimeout;
    private final StreamWriter writer;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Entry> queue = new ArrayDeque<>();
    private long pendingBytes; // queued and in flight
    private long lastMs;
    private long seq;
    private String lastId = "0-0";
    private long stored;
    private long dropped;
    private boolean ended;
    private RuntimeException failure;
    long lastExpireNanos; // written by the writer thread only

    JobOutputBuffer(String key, String lastId, int maxLines, int bufferBytes, Duration outageTimeout, StreamWriter writer) {
        this.key = key;
        this.maxLines = maxLines;
        this.bufferBytes = bufferBytes;
        this.outageTimeout = outageTimeout;
        this.writer = writer;
        if (lastId != null) {
            int dash = lastId.indexOf('-');
            lastMs = Long.parseLong(lastId.substring(0, dash));
            seq = Long.parseLong(lastId.substring(dash + 1));
            this.lastId = lastId;
        }
    }

    public String key() {
        return key;
    }

    /** Queues a line, waiting while the job's buffer is full. Lines beyond the cap are counted, not stored. */
    public void offerLine(OutputLine line) {
        String[] fields = line.event() == null
                ? new String[] {OutputFields.TIMESTAMP, Long.toString(line.timestamp()), OutputFields.STREAM, line.stream().wireName(),
                        OutputFields.SOURCE, line.source().wireName(), OutputFields.LINE, line.text()}
                : new String[] {OutputFields.TIMESTAMP, Long.toString(line.timestamp()), OutputFields.STREAM, line.stream().wireName(),
                        OutputFields.SOURCE, line.source().wireName(), OutputFields.LINE, line.text(), OutputFields.EVENT, line.event()};
        int bytes = 64 + (line.text().length() + (line.event() == null ? 0 : line.event().length())) * 2;
        lock.lock();
        try {
            throwIfFailed();
            if (ended) {
                throw new IllegalStateException("the output of " + key + " has ended; no more lines can be added");
            }
            if (stored >= maxLines) {
                dropped++;
                return;
            }
            awaitSpace(bytes);
            stored++;
            enqueue(entry(line.timestamp(), fields, bytes, false));
        } finally {
            lock.unlock();
        }
        writer.wakeUp();
    }

    /** Queues the notice (if lines were dropped) and the end marker. Idempotent. */
    public void offerEnd(String status, int maxLinesForNotice) {
        lock.lock();
        try {
            throwIfFailed();
            if (ended) {
                return;
            }
            ended = true;
            long now = System.currentTimeMillis();
            if (dropped > 0) {
                String text = dropped + " more line" + (dropped == 1 ? " was" : "s were") + " not stored: the output is limited to "
                        + maxLinesForNotice + " lines per job (AI_MAX_OUTPUT_LINES)";
                enqueue(entry(now, new String[] {OutputFields.TIMESTAMP, Long.toString(now), OutputFields.STREAM, "stderr",
                        OutputFields.SOURCE, "runner", OutputFields.LINE, text, OutputFields.NOTICE, OutputFields.NOTICE_TRUNCATED,
                        OutputFields.DROPPED, Long.toString(dropped)}, 256, false));
            }
            enqueue(entry(now, new String[] {OutputFields.TYPE, OutputFields.TYPE_END, OutputFields.STATUS, status,
                        OutputFields.TIMESTAMP, Long.toString(now)}, 64, true));
        } finally {
            lock.unlock();
        }
        writer.wakeUp();
    }

    /** Waits until everything queued is written, at most {@code max}; throws if the stream failed. */
    public boolean awaitWritten(Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        lock.lock();
        try {
            while (pendingBytes > 0 && failure == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                changed.awaitNanos(left);
            }
            throwIfFailed();
            return true;
        } finally {
            lock.unlock();
        }
    }

    public long storedLines() {
        lock.lock();
        try {
            return stored;
        } finally {
            lock.unlock();
        }
    }

    public long droppedLines() {
        lock.lock();
        try {
            return dropped;
        } finally {
            lock.unlock();
        }
    }

    // ---- writer side

    boolean hasQueued() {
        lock.lock();
        try {
            return !queue.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /** Moves up to {@code max} entries (and about {@code maxBytes}) from the queue into flight. */
    void drainTo(List<Entry> out, int max, int maxBytes) {
        lock.lock();
        try {
            int bytes = 0;
            while (!queue.isEmpty() && out.size() < max && bytes < maxBytes) {
                Entry e = queue.pollFirst();
                bytes += e.bytes();
                out.add(e);
            }
        } finally {
            lock.unlock();
        }
    }

    void written(Entry e) {
        lock.lock();
        try {
            pendingBytes = Math.max(0, pendingBytes - e.bytes()); // after a failure the budget was reset
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    void fail(RuntimeException cause) {
        lock.lock();
        try {
            if (failure == null) {
                failure = cause;
            }
            queue.clear();
            pendingBytes = 0;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    boolean failed() {
        lock.lock();
        try {
            return failure != null;
        } finally {
            lock.unlock();
        }
    }

    // ---- helpers (lock held)

    private void enqueue(Entry e) {
        queue.addLast(e);
        pendingBytes += e.bytes();
    }

    private void awaitSpace(int bytes) {
        if (pendingBytes == 0 || pendingBytes + bytes <= bufferBytes) {
            return;
        }
        long deadline = System.nanoTime() + outageTimeout.toNanos() + TimeUnit.SECONDS.toNanos(5);
        try {
            while (pendingBytes > 0 && pendingBytes + bytes > bufferBytes && failure == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new RedisOutputException("output for " + key + " could not be written for " + outageTimeout.toSeconds()
                            + "s; Redis is too slow or unreachable");
                }
                changed.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RedisOutputException("interrupted while waiting to write output for " + key, e);
        }
        throwIfFailed();
    }

    private void throwIfFailed() {
        if (failure != null) {
            throw failure;
        }
    }

    private Entry entry(long timestamp, String[] fields, int bytes, boolean end) {
        if (timestamp > lastMs) {
            lastMs = timestamp;
            seq = 0;
        } else {
            seq++;
        }
        String previous = lastId;
        lastId = lastMs + "-" + seq;
        return new Entry(lastId, previous, fields, bytes, end);
    }
}
