package io.repobox.runner.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.repobox.output.redis.testing.TestRedis;
import io.repobox.redis.Redis;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The claim against a real Redis: at most once per job, and idempotent for the claim that won. */
class JobStoreIT {

    static TestRedis server;
    static Redis redis;
    static Redis.Connection connection;
    static JobStore store;

    @BeforeAll
    static void start() {
        server = TestRedis.startPersistent();
        redis = Redis.create(server.url(), Duration.ofSeconds(10));
        connection = redis.connect();
        store = new JobStore(connection);
    }

    @AfterAll
    static void stop() {
        connection.close();
        redis.close();
        server.close();
    }

    @Test
    void aClaimResentAfterItsReplyWasLostIsStillTheWinningClaim() {
        // Lettuce re-sends a command whose reply a reconnect lost; the script then runs a second time.
        server.redis().hset("job:j-resent", Map.of("id", "j-resent", "status", "pending"));

        assertThat(store.claim("j-resent", "runner-a", "fake", 1000)).isEqualTo("claimed");
        assertThat(store.claim("j-resent", "runner-a", "fake", 1000)).isEqualTo("claimed");
        assertThat(server.redis().hgetall("job:j-resent")).containsEntry("status", "running").containsEntry("runner_id", "runner-a")
                .containsEntry("started_at", "1000");
    }

    @Test
    void anotherClaimOfARunningJobLoses() {
        server.redis().hset("job:j-taken", Map.of("id", "j-taken", "status", "pending"));

        assertThat(store.claim("j-taken", "runner-a", "fake", 1000)).isEqualTo("claimed");
        assertThat(store.claim("j-taken", "runner-b", "fake", 1000)).isEqualTo("running");
        // the same runner with a later attempt (a redelivered entry after a restart) is another claim too
        assertThat(store.claim("j-taken", "runner-a", "fake", 2000)).isEqualTo("running");
        assertThat(store.claim("j-missing", "runner-a", "fake", 1000)).isEqualTo("missing");
        server.redis().hset("job:j-done", Map.of("id", "j-done", "status", "cancelled"));
        assertThat(store.claim("j-done", "runner-a", "fake", 1000)).isEqualTo("cancelled");
    }
}
