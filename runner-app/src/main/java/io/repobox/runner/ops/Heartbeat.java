package io.repobox.runner.ops;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.repobox.redis.Redis;
import io.repobox.redis.RedisKeys;
import io.repobox.redis.RedisScript;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A runner's heartbeat key {@code runner:{id}:heartbeat}: a hash that lives for {@link #TTL} unless
 * refreshed, holding what {@code runners} shows. A runner beats every few seconds and removes the
 * key when it stops; a runner that dies vanishes from the list when the TTL passes.
 */
public final class Heartbeat {

    /** How often a runner beats. */
    public static final Duration INTERVAL = Duration.ofSeconds(5);
    /** How long a heartbeat lives without a new beat: three missed beats. */
    public static final Duration TTL = Duration.ofSeconds(15);

    /** Sets the fields and the TTL in one step, so that a key never lives without its TTL. */
    private static final RedisScript BEAT = RedisScript.load(Heartbeat.class, "heartbeat.lua");

    /** One runner as its heartbeat describes it. */
    public record Beat(String id, String host, String version, String provider, int jobsRunning, int maxJobs,
                       long startedAt, long lastBeatAt) {

        static Beat of(Map<String, String> h) {
            return new Beat(h.getOrDefault("id", ""), h.getOrDefault("host", ""), h.getOrDefault("version", ""),
                    h.getOrDefault("provider", ""), number(h.get("jobs_running")), number(h.get("max_jobs")),
                    longNumber(h.get("started_at")), longNumber(h.get("last_beat_at")));
        }
    }

    private final Redis.Connection redis;
    private final String runnerId;
    private final String host;
    private final String version;
    private final String provider;
    private final int maxJobs;
    private final long startedAt = System.currentTimeMillis();

    public Heartbeat(Redis.Connection redis, String runnerId, String host, String version, String provider, int maxJobs) {
        this.redis = redis;
        this.runnerId = runnerId;
        this.host = host;
        this.version = version;
        this.provider = provider;
        this.maxJobs = maxJobs;
    }

    public static String key(String runnerId) {
        return RedisKeys.heartbeat(runnerId);
    }

    /** Writes the heartbeat with {@code jobsRunning} and a TTL of {@link #TTL}. */
    public void beat(int jobsRunning) {
        BEAT.eval(redis, ScriptOutputType.INTEGER, new String[] {key(runnerId)}, Long.toString(TTL.toMillis()),
                "id", runnerId, "host", host, "version", version, "provider", provider, "jobs_running", Integer.toString(jobsRunning),
                "max_jobs", Integer.toString(maxJobs), "started_at", Long.toString(startedAt),
                "last_beat_at", Long.toString(System.currentTimeMillis()));
    }

    /** Removes the heartbeat: this runner stops. */
    public void remove() {
        redis.call(c -> c.del(key(runnerId)));
    }

    /** The live runners (heartbeats not expired), by id. Scans the key space: an operator's command, not a hot path. */
    public static List<Beat> list(Redis.Connection redis) {
        List<String> keys = new ArrayList<>();
        ScanCursor cursor = ScanCursor.INITIAL;
        ScanArgs args = ScanArgs.Builder.matches(RedisKeys.HEARTBEAT_PATTERN).limit(1000);
        do {
            ScanCursor from = cursor;
            KeyScanCursor<String> page = redis.call(c -> c.scan(from, args));
            keys.addAll(page.getKeys());
            cursor = page;
        } while (!cursor.isFinished());
        List<Beat> beats = new ArrayList<>();
        for (String key : keys) {
            Map<String, String> h = new LinkedHashMap<>(redis.call(c -> c.hgetall(key)));
            if (!h.isEmpty()) { // expired between the scan and now
                h.putIfAbsent("id", key.substring("runner:".length(), key.length() - ":heartbeat".length()));
                beats.add(Beat.of(h));
            }
        }
        beats.sort(Comparator.comparing(Beat::id));
        return beats;
    }

    private static int number(String v) {
        try {
            return v == null ? 0 : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static long longNumber(String v) {
        try {
            return v == null ? 0 : Long.parseLong(v);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
