package io.repobox.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.repobox.output.redis.testing.TestRedis;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link Redis.Connection#call} behaves as Lettuce's synchronous API does (replies, server errors,
 * timeouts), and a connection still offers that API to code that asks for it, made on first use.
 */
class RedisConnectionIT {

    static TestRedis server;
    static Redis redis;

    @BeforeAll
    static void start() {
        server = TestRedis.startPersistent();
        redis = Redis.create(server.url(), Duration.ofSeconds(10));
    }

    @AfterAll
    static void stop() {
        redis.close();
        server.close();
    }

    @Test
    void aCallReturnsTheReplyAndThrowsTheServersError() {
        try (Redis.Connection connection = redis.connect()) {
            connection.call(c -> c.hset("call:hash", Map.of("a", "1", "b", "2")));
            assertThat(connection.<Map<String, String>>call(c -> c.hgetall("call:hash"))).containsExactlyInAnyOrderEntriesOf(
                    Map.of("a", "1", "b", "2"));
            assertThatThrownBy(() -> connection.call(c -> c.incr("call:hash")))
                    .isInstanceOf(RedisCommandExecutionException.class).hasMessageStartingWith("WRONGTYPE");
        }
    }

    @Test
    void aCallThatOutlivesTheConnectionsTimeoutIsCancelledAndSaysSo() {
        try (Redis.Connection connection = redis.connect(Duration.ofMillis(200))) {
            // BLPOP on an empty list waits 5 s on the server: longer than the connection's timeout. (The
            // server still blocks this connection until then; the caller is told at once.)
            assertThatThrownBy(() -> connection.call(c -> c.blpop(5, "call:empty")))
                    .isInstanceOf(RedisCommandTimeoutException.class);
        }
    }

    @Test
    void theSynchronousApiIsMadeOnFirstUseAndIsTheSameAfterwards() {
        try (Redis.Connection connection = redis.connect()) {
            @SuppressWarnings("unchecked")
            StatefulRedisConnection<String, String> stateful = (StatefulRedisConnection<String, String>) connection.stateful();
            assertThat(stateful.sync().set("call:key", "v")).isEqualTo("OK");
            assertThat(stateful.sync()).isSameAs(stateful.sync());
            assertThat(connection.<String>call(c -> c.get("call:key"))).isEqualTo("v");
        }
    }
}
