package io.repobox.runner.ops;

import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.repobox.redis.Redis;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The readiness check for Redis and the queue: Redis answers, the consumer group exists, and this
 * runner has joined it (its dispatcher is taking jobs: asked of the runner, because Redis before 7
 * lists a consumer only once something was delivered to it). Each check also reads how many queue entries wait for a runner and how
 * many are taken but not acknowledged, which the queue gauges show (NaN while Redis is away).
 */
public final class QueueProbe implements ReadinessChecks.Check {

    /** Beyond this many undelivered entries the count is not exact (Redis before 7 does not report the lag). */
    static final int MAX_COUNTED = 1_000; // counted every 2 s by every runner: keep it cheap for Redis

    private final Redis.Connection redis;
    private final String safeUrl;
    private final String stream;
    private final String group;
    private final String consumer;
    private volatile double waiting = Double.NaN;
    private volatile double pending = Double.NaN;
    private volatile BooleanSupplier joined = () -> false;

    /** @param redis a connection of its own with a short command timeout: a check must not hang for long */
    public QueueProbe(Redis.Connection redis, String safeUrl, String stream, String group, String consumer) {
        this.consumer = consumer;
        this.redis = redis;
        this.safeUrl = safeUrl;
        this.stream = stream;
        this.group = group;
    }

    /** Tells whether the runner's dispatcher has joined the group and takes jobs. */
    void joined(BooleanSupplier joined) {
        this.joined = joined;
    }

    @Override
    public String problem() {
        try {
            redis.call(c -> c.ping());
        } catch (RuntimeException e) {
            waiting = Double.NaN;
            pending = Double.NaN;
            return "Redis at " + safeUrl + " is unreachable: " + Redis.rootMessage(e);
        }
        Group g = readGroup();
        if (g == null) {
            return "the consumer group " + group + " does not exist in Redis (it is made when a runner starts taking jobs;"
                    + " if Redis lost its data, restart the runner)";
        }
        pending = g.pending;
        waiting = g.lag >= 0 ? g.lag : countAfter(g.lastDelivered);
        return joined.getAsBoolean() ? null : "runner " + consumer + " is not taking jobs from " + group + " (starting or stopping)";
    }

    public double waiting() {
        return waiting;
    }

    public double pending() {
        return pending;
    }

    private record Group(long pending, long lag, String lastDelivered) {
    }

    private Group readGroup() {
        List<Object> groups;
        try {
            groups = redis.call(c -> c.xinfoGroups(stream));
        } catch (RuntimeException e) {
            if (String.valueOf(e.getMessage()).contains("no such key")) {
                return null;
            }
            throw e;
        }
        for (Object g : groups) {
            if (group.equals(field(g, "name"))) {
                Object lag = field(g, "lag");
                return new Group(toLong(field(g, "pending")), lag instanceof Number n ? n.longValue() : -1,
                        String.valueOf(field(g, "last-delivered-id")));
            }
        }
        return null;
    }

    private long countAfter(String lastDelivered) {
        return redis.call(c -> c.xrange(stream, Range.from(Range.Boundary.excluding(lastDelivered), Range.Boundary.unbounded()),
                Limit.from(MAX_COUNTED))).size();
    }

    /** A field of an XINFO reply: a flat list of names and values. */
    private static Object field(Object reply, String name) {
        if (reply instanceof List<?> list) {
            for (int i = 0; i + 1 < list.size(); i += 2) {
                if (name.equals(String.valueOf(list.get(i)))) {
                    return list.get(i + 1);
                }
            }
        }
        return null;
    }

    private static long toLong(Object v) {
        return v instanceof Number n ? n.longValue() : v == null ? 0 : Long.parseLong(String.valueOf(v));
    }
}
