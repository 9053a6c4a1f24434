package io.repobox.runner.job;

import io.repobox.redis.Redis;
import io.repobox.redis.RedisKeys;
import java.time.Duration;

/**
 * Who runs a job right now: a key {@code job:{id}:lease} holding the runner's id, with a short TTL
 * that the runner renews while the job runs. A running job without a lease belongs to a runner that
 * stopped. Thread-safe.
 */
public final class JobLeases {

    /** How long a lease lasts without renewal. */
    public static final Duration LEASE = Duration.ofSeconds(30);

    private final Redis.Connection redis;
    private final String runnerId;

    public JobLeases(Redis.Connection redis, String runnerId) {
        this.redis = redis;
        this.runnerId = runnerId;
    }

    public static String key(String jobId) {
        return RedisKeys.lease(jobId);
    }

    /** Takes or renews the lease of {@code jobId} for this runner. */
    public void hold(String jobId) {
        redis.call(c -> c.psetex(key(jobId), LEASE.toMillis(), runnerId));
    }

    /** The runner holding the lease of {@code jobId}, or null if nobody does. */
    public String owner(String jobId) {
        return redis.call(c -> c.get(key(jobId)));
    }

    public void release(String jobId) {
        redis.call(c -> c.del(key(jobId)));
    }
}
