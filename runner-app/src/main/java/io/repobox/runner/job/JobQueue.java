package io.repobox.runner.job;

import io.lettuce.core.Consumer;
import io.lettuce.core.RedisBusyException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.models.stream.ClaimedMessages;
import io.repobox.redis.Redis;
import io.repobox.redis.RedisKeys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job queue: stream {@code jobs:stream}, consumer group {@code jobs:stream:runners}, one
 * consumer per runner (its RUNNER_ID). An entry stays pending until its job has a final status;
 * its runner keeps it fresh ({@link #touch}) so that only the entries of runners that are gone
 * become idle and are reclaimed by others ({@link #reclaim}). Blocking reads use a connection of
 * their own.
 *
 * <p>A Redis that lost its data (restarted without persistence, flushed, failed over to an empty
 * replica) no longer has the consumer group: every group command then fails with NOGROUP, and a
 * runner that only retried would never take a job again. The group commands here create it again
 * and retry once ({@link #grouped}); the new group starts with whatever the stream holds by then.
 */
public final class JobQueue {

    private static final Logger log = LoggerFactory.getLogger(JobQueue.class);

    public static final String STREAM = RedisKeys.JOBS_STREAM;
    public static final String GROUP = RedisKeys.JOBS_GROUP;

    /** A queue entry: its id and fields. */
    public record Entry(String id, Map<String, String> fields) {
        public String jobId() {
            return fields.get("job_id");
        }
    }

    private final Redis.Connection commands;
    private final Redis.Connection reads;
    private final String consumer;
    private volatile java.util.function.Consumer<Entry> acknowledged = entry -> { };

    public JobQueue(Redis.Connection commands, Redis.Connection reads, String consumer) {
        this.commands = commands;
        this.reads = reads;
        this.consumer = consumer;
    }

    /** Creates the group (and the stream) if missing; a new group starts with the entries already queued. */
    public void ensureGroup() {
        try {
            commands.call(c -> c.xgroupCreate(XReadArgs.StreamOffset.from(STREAM, "0"), GROUP, XGroupCreateArgs.Builder.mkstream()));
        } catch (RedisBusyException e) {
            // BUSYGROUP: it exists
        }
    }

    /** New entries for this runner, waiting up to {@code block} for the first. */
    public List<Entry> read(int count, Duration block) {
        return grouped(() -> entries(reads.call(c -> c.xreadgroup(Consumer.from(GROUP, consumer),
                XReadArgs.Builder.count(count).block(block.toMillis()), XReadArgs.StreamOffset.lastConsumed(STREAM)))));
    }

    /** Entries delivered to this consumer earlier and not acknowledged (after a restart with the same RUNNER_ID). */
    public List<Entry> ownPending(int count) {
        return grouped(() -> entries(commands.call(c -> c.xreadgroup(Consumer.from(GROUP, consumer), XReadArgs.Builder.count(count),
                XReadArgs.StreamOffset.from(STREAM, "0")))));
    }

    /** Takes over entries idle for at least {@code minIdle}: those of runners that stopped. */
    public List<Entry> reclaim(Duration minIdle, int count) {
        ClaimedMessages<String, String> claimed = grouped(() -> commands.call(c -> c.xautoclaim(STREAM,
                XAutoClaimArgs.Builder.xautoclaim(Consumer.from(GROUP, consumer), minIdle, "0-0").count(count))));
        return claimed == null ? List.of() : entries(claimed.getMessages());
    }

    /** Resets the idle time of entries this runner is still working on. */
    public void touch(List<String> entryIds) {
        if (!entryIds.isEmpty()) {
            grouped(() -> commands.call(c -> c.xclaim(STREAM, Consumer.from(GROUP, consumer), XClaimArgs.Builder.justid().minIdleTime(0),
                    entryIds.toArray(String[]::new))));
        }
    }

    /** Acknowledges an entry: this runner is done with it (its job ended, or it was bad input); then tells the listener. */
    public void ack(Entry entry) {
        commands.call(c -> c.xack(STREAM, GROUP, entry.id()));
        acknowledged.accept(entry);
    }

    /** Sets what is told of every entry this queue acknowledges (for tests and metrics); must be quick and not throw. */
    public void onAcknowledged(java.util.function.Consumer<Entry> listener) {
        this.acknowledged = listener;
    }

    /** Puts an entry back for any runner (a new entry with the same fields) and acknowledges the old one. */
    public void release(Entry entry) {
        commands.call(c -> c.xadd(STREAM, entry.fields()));
        ack(entry);
    }

    /** Adds an entry, as the web app does. */
    public String add(Map<String, String> fields) {
        return commands.call(c -> c.xadd(STREAM, fields));
    }

    /**
     * Runs a command on the group; when Redis no longer has the group (or deleted the stream under a
     * blocking read), creates it again and runs the command once more.
     */
    private <T> T grouped(Supplier<T> command) {
        try {
            return command.get();
        } catch (RedisCommandExecutionException e) {
            String error = String.valueOf(e.getMessage());
            if (!error.startsWith("NOGROUP") && !error.startsWith("UNBLOCKED")) {
                throw e;
            }
            log.warn("Redis no longer has the consumer group {} of {} (it lost its data: restarted without persistence, flushed, "
                    + "or failed over to an empty replica); creating it again. Jobs queued before the loss are gone with it.", GROUP, STREAM);
            ensureGroup();
            return command.get();
        }
    }

    private static List<Entry> entries(List<StreamMessage<String, String>> messages) {
        List<Entry> out = new ArrayList<>();
        if (messages != null) {
            for (StreamMessage<String, String> m : messages) {
                out.add(new Entry(m.getId(), m.getBody() == null ? Map.of() : m.getBody()));
            }
        }
        return out;
    }
}
