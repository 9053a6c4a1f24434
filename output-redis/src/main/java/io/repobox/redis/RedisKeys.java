package io.repobox.redis;

/**
 * The Redis key names of the runner's contract, in one place. Every id that goes into a key is
 * checked by the caller first (job ids by {@code JobIds}); these methods only spell the names.
 */
public final class RedisKeys {

    /** The job queue (a stream the web app adds to). */
    public static final String JOBS_STREAM = "jobs:stream";
    /** The consumer group of the runners on {@link #JOBS_STREAM}; each runner is one consumer (its RUNNER_ID). */
    public static final String JOBS_GROUP = "jobs:stream:runners";
    /** The channel on which cancel requests are announced (the job id as the message). */
    public static final String CANCEL_CHANNEL = "jobs:cancel";

    private RedisKeys() {
    }

    /** {@code job:{id}}: the job record (a hash). */
    public static String job(String jobId) {
        return "job:" + jobId;
    }

    /** {@code job:{id}:output}: the job's output (a stream). */
    public static String output(String jobId) {
        return "job:" + jobId + ":output";
    }

    /** {@code job:{id}:lease}: the runner running the job, with a short TTL it renews. */
    public static String lease(String jobId) {
        return "job:" + jobId + ":lease";
    }

    /** {@code git_provider:{user}:{provider}}: a user's git host credentials (a hash). */
    public static String gitProvider(String userId, String providerId) {
        return "git_provider:" + userId + ":" + providerId;
    }

    /** {@code jobs:user:{user}}: the user's job ids by creation time (a sorted set the web app keeps). */
    public static String userJobs(String userId) {
        return "jobs:user:" + userId;
    }

    /** {@code runner:user:{user}:active}: the user's running jobs, scored by when their lease ends (a sorted set). */
    public static String userSlots(String userId) {
        return "runner:user:" + userId + ":active";
    }

    /** {@code runner:{id}:heartbeat}: what a live runner reports about itself (a hash with a TTL). */
    public static String heartbeat(String runnerId) {
        return "runner:" + runnerId + ":heartbeat";
    }

    /** The pattern matching every {@link #heartbeat} key. */
    public static final String HEARTBEAT_PATTERN = "runner:*:heartbeat";
}
