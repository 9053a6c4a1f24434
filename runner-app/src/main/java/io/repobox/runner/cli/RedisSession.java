package io.repobox.runner.cli;

import io.repobox.output.redis.RedisOutput;
import io.repobox.output.redis.RedisOutputOptions;
import io.repobox.redis.Redis;
import io.repobox.redis.RedisKeys;
import io.repobox.runner.job.JobQueue;
import io.repobox.runner.job.JobStore;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** The Redis access of the client commands (submit, logs, status, cancel): the job store, the queue, the output. */
final class RedisSession implements AutoCloseable {

    private final String url;
    final Redis connector;
    /** Whether the session closes its client and connection: not when they are shared. */
    private final boolean owns;
    final Redis.Connection connection;
    final JobStore store;
    final JobQueue queue;
    private RedisOutput output;

    /** A session on the configuration's REDIS_URL, or the default one. */
    static RedisSession open(io.repobox.runner.config.RunnerConfig config) {
        return connect(config.redisUrlOrDefault());
    }

    /** @throws io.repobox.runner.config.ConfigurationException if {@code jobId} cannot be a job id */
    static String checkJobId(String jobId) {
        if (!io.repobox.runner.job.JobIds.isValid(jobId)) {
            throw new io.repobox.runner.config.ConfigurationException("job id " + io.repobox.runner.job.JobIds.quote(jobId) + " is not a valid job id");
        }
        return jobId;
    }

    /** A session on a client of its own, closed with it: the one the warm-up connected already when it is for {@code url}. */
    static RedisSession connect(String url) {
        Warmup.await(); // never two threads setting up the client's classes at once
        Optional<Warmup.EarlyConnection> early = Warmup.takeConnection(url);
        if (early.isPresent()) {
            if (early.get().failure() != null) {
                throw cannotConnect(url, early.get().failure());
            }
            return new RedisSession(url, early.get().redis(), early.get().connection(), true);
        }
        Redis connector = Redis.create(url, Duration.ofSeconds(10));
        try {
            return new RedisSession(url, connector, connector.connect(), true);
        } catch (RuntimeException e) {
            connector.close();
            throw cannotConnect(url, e);
        }
    }

    /**
     * A session over {@code connection} on {@code connector}, both the caller's, who closes them: {@code run}
     * shares its runner's client and commands connection.
     */
    static RedisSession sharing(Redis connector, String url, Redis.Connection connection) {
        return new RedisSession(url, connector, connection, false);
    }

    private RedisSession(String url, Redis connector, Redis.Connection connection, boolean owns) {
        this.url = url;
        this.connector = connector;
        this.connection = connection;
        this.owns = owns;
        this.store = new JobStore(connection);
        this.queue = new JobQueue(connection, connection, "client");
    }

    private static IllegalStateException cannotConnect(String url, RuntimeException e) {
        return new IllegalStateException("cannot connect to Redis at " + Redis.redact(url) + ": " + Redis.rootMessage(e), e);
    }

    /** Writes a job exactly as the web app does: the hash with status pending, then the queue entry. */
    String submit(String repoUrl, String prompt, String environment, String userId, String providerId) {
        return submit(repoUrl, prompt, environment, userId, providerId, Map.of());
    }

    /** {@link #submit(String, String, String, String, String)} with {@code extra} fields in the hash (e.g. retry_of). */
    String submit(String repoUrl, String prompt, String environment, String userId, String providerId, Map<String, String> extra) {
        String id = UUID.randomUUID().toString();
        Map<String, String> job = new LinkedHashMap<>();
        job.put("id", id);
        job.put("user_id", userId);
        job.put("provider_id", providerId == null ? "" : providerId);
        job.put("repo_url", repoUrl);
        job.put("repo_name", repoUrl.replaceAll("/+$", "").replaceAll(".*[/:]", "").replaceAll("\\.git$", ""));
        job.put("branch", "");
        job.put("prompt", prompt);
        job.put("environment", environment);
        job.put("status", "pending");
        job.put("created_at", Long.toString(System.currentTimeMillis()));
        job.putAll(extra);
        connection.call(c -> c.hset(JobStore.key(id), job));
        connection.call(c -> c.zadd(RedisKeys.userJobs(userId), (double) System.currentTimeMillis(), id));
        queue.add(Map.of("job_id", id, "user_id", userId, "provider_id", job.get("provider_id"), "repo_url", repoUrl,
                "prompt", prompt, "environment", environment));
        return id;
    }

    /** The output reader, connected on first use: status and cancel never pay for it. */
    synchronized RedisOutput output() {
        if (output == null) {
            output = RedisOutput.create(connector, RedisOutputOptions.builder(url).build()); // on the session's one client
        }
        return output;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (output != null) {
                output.close();
            }
        }
        if (owns) {
            connection.close();
            connector.close();
        }
    }
}
