package io.repobox.runner.job;

import io.lettuce.core.ScriptOutputType;
import io.repobox.redis.Redis;
import io.repobox.redis.RedisKeys;
import io.repobox.redis.RedisScript;
import java.time.Duration;

/**
 * MAX_JOBS_PER_USER across all runners: a sorted set {@code runner:user:{user}:active} of job ids
 * scored by the time their lease ends. Running jobs renew their lease; a runner that dies stops
 * renewing, and its jobs' slots expire by themselves, so nobody is left stuck at the limit.
 */
public final class UserSlots {

    private static final RedisScript ACQUIRE = RedisScript.load(UserSlots.class, "acquire-slot.lua");

    private final Redis.Connection redis;
    private final int limit;
    private final Duration lease;

    public UserSlots(Redis.Connection redis, int limit, Duration lease) {
        this.redis = redis;
        this.limit = limit;
        this.lease = lease;
    }

    public static String key(String userId) {
        return RedisKeys.userSlots(userId);
    }

    /** Takes (or renews) a slot for {@code jobId}; false if the user is at the limit. */
    public boolean acquire(String userId, String jobId) {
        long now = System.currentTimeMillis();
        Long ok = ACQUIRE.eval(redis, ScriptOutputType.INTEGER, new String[] {key(userId)}, Long.toString(now),
                Integer.toString(limit), jobId, Long.toString(now + lease.toMillis()), Long.toString(lease.toMillis() * 4));
        return ok != null && ok == 1;
    }

    /** Renews the slot of a running job. */
    public void renew(String userId, String jobId) {
        redis.call(c -> c.zadd(key(userId), (double) (System.currentTimeMillis() + lease.toMillis()), jobId));
        redis.call(c -> c.pexpire(key(userId), lease.toMillis() * 4));
    }

    public void release(String userId, String jobId) {
        redis.call(c -> c.zrem(key(userId), jobId));
    }

}
