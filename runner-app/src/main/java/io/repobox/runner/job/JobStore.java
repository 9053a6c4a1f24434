package io.repobox.runner.job;

import io.lettuce.core.ScriptOutputType;
import io.repobox.redis.Redis;
import io.repobox.redis.RedisKeys;
import io.repobox.redis.RedisScript;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The job records ({@code job:{id}} hashes). State changes that must not race are Lua scripts, so
 * that however a queue entry is redelivered, a job is claimed by one runner at most once.
 * Thread-safe (Lettuce connections are).
 */
public final class JobStore {

    /** Redis channel on which cancel requests are announced (the job id as the message). */
    public static final String CANCEL_CHANNEL = RedisKeys.CANCEL_CHANNEL;

    /** pending → running, only from pending. Returns "claimed", the current status, or "missing". */
    private static final RedisScript CLAIM = RedisScript.load(JobStore.class, "claim.lua");

    /** Cancels a pending job at once, or asks the runner of a running one to stop. */
    private static final RedisScript CANCEL = RedisScript.load(JobStore.class, "cancel.lua");

    /** Writes the final state unless the record is gone. */
    private static final RedisScript FINISH = RedisScript.load(JobStore.class, "finish.lua");

    private final Redis.Connection redis;

    public JobStore(Redis.Connection redis) {
        this.redis = redis;
    }

    public static String key(String jobId) {
        return RedisKeys.job(jobId);
    }

    /** The record's fields, if the hash exists. */
    public Optional<Map<String, String>> load(String jobId) {
        Map<String, String> fields = redis.call(c -> c.hgetall(key(jobId)));
        return fields == null || fields.isEmpty() ? Optional.empty() : Optional.of(fields);
    }

    /** Claims a pending job; see {@link #CLAIM}. */
    public String claim(String jobId, String runnerId, String agent, long now) {
        return CLAIM.eval(redis, ScriptOutputType.VALUE, new String[] {key(jobId)}, Long.toString(now), runnerId, agent);
    }

    /** Writes the final record; false if the hash no longer exists (the job was deleted meanwhile). */
    public boolean finish(String jobId, FinalRecord record) {
        List<String> args = new ArrayList<>();
        record.fields().forEach((k, v) -> {
            args.add(k);
            args.add(v);
        });
        Long done = FINISH.eval(redis, ScriptOutputType.INTEGER, new String[] {key(jobId)}, args.toArray(String[]::new));
        return done != null && done == 1;
    }

    /**
     * Cancels {@code jobId}: a pending job is cancelled at once (it will never start); a running one is
     * marked and announced on {@link #CANCEL_CHANNEL}. Returns "cancelled", "requested", "missing" or
     * the job's (final) status.
     */
    public String requestCancel(String jobId, long now) {
        String result = CANCEL.eval(redis, ScriptOutputType.VALUE, new String[] {key(jobId)}, Long.toString(now));
        if ("requested".equals(result)) {
            redis.call(c -> c.publish(CANCEL_CHANNEL, jobId));
        }
        return result;
    }

    /** Whether a cancel was requested for a running job (or its status was set to cancelled directly). */
    public boolean cancelRequested(String jobId) {
        List<io.lettuce.core.KeyValue<String, String>> v = redis.call(c -> c.hmget(key(jobId), "cancel_requested_at", "status"));
        String requested = v.get(0).getValueOrElse(null);
        String status = v.get(1).getValueOrElse(null);
        return (requested != null && !requested.isBlank()) || JobStatus.CANCELLED.value().equals(status);
    }

    /** The git provider hash {@code git_provider:{user}:{provider}}. */
    public Optional<Map<String, String>> gitProvider(String userId, String providerId) {
        Map<String, String> fields = redis.call(c -> c.hgetall(RedisKeys.gitProvider(userId, providerId)));
        return fields == null || fields.isEmpty() ? Optional.empty() : Optional.of(fields);
    }
}
