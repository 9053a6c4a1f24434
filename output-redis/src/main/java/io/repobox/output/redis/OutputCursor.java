package io.repobox.output.redis;

import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.repobox.redis.Redis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a job's output from a position: replays what is stored, then follows live, and stops at
 * the end marker. Backed by XREAD (BLOCK when waiting), on a connection of its own because a
 * blocking read holds its connection. Not thread-safe: one cursor per reader (per SSE client).
 *
 * <pre>{@code
 * try (OutputCursor cursor = output.follow(jobId, lastEventId)) {   // null: from the start
 *     while (!cursor.isEnded()) {
 *         for (OutputEntry e : cursor.poll(Duration.ofSeconds(15))) {
 *             send(e.id(), e);        // the id is the resume position
 *         }
 *     }
 * }
 * }</pre>
 */
public final class OutputCursor implements AutoCloseable {

    private static final int PAGE = 1000;
    private static final Duration MAX_BLOCK = Duration.ofSeconds(5);

    private final Redis.Connection connection;
    private final String key;
    private String position;
    private boolean ended;

    OutputCursor(Redis.Connection connection, String key, String afterId) {
        this.connection = connection;
        this.key = key;
        this.position = afterId == null || afterId.isBlank() ? "0-0" : afterId;
    }

    /**
     * The next entries after the position, waiting up to {@code maxWait} for the first one when none
     * is stored yet; empty if none came. Returns nothing more after the end marker, which is the last
     * entry returned.
     */
    public List<OutputEntry> poll(Duration maxWait) {
        List<OutputEntry> out = new ArrayList<>();
        if (ended) {
            return out;
        }
        long deadline = System.nanoTime() + maxWait.toNanos();
        do {
            long left = Math.max(0, deadline - System.nanoTime());
            long block = Math.min(Duration.ofNanos(left).toMillis(), MAX_BLOCK.toMillis());
            XReadArgs args = XReadArgs.Builder.count(PAGE);
            if (block > 0) {
                args.block(block);
            }
            List<StreamMessage<String, String>> messages;
            try {
                messages = connection.call(c -> c.xread(args, XReadArgs.StreamOffset.from(key, position)));
            } catch (RuntimeException e) {
                throw new RedisOutputException("reading " + key + " failed: " + e.getMessage(), e);
            }
            if (messages != null) {
                for (StreamMessage<String, String> m : messages) {
                    OutputEntry entry = new OutputEntry(m.getId(), m.getBody());
                    out.add(entry);
                    position = m.getId();
                    if (entry.isEnd()) {
                        ended = true;
                        return out;
                    }
                }
            }
        } while (out.isEmpty() && System.nanoTime() < deadline);
        return out;
    }

    /** Whether the end marker has been read. */
    public boolean isEnded() {
        return ended;
    }

    /** The id of the last entry read (or the starting position): where to resume. */
    public String position() {
        return position;
    }

    @Override
    public void close() {
        connection.close();
    }
}
