package io.repobox.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.repobox.output.redis.testing.TestRedis;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
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

    @Test
    void aNewConnectionSendsNothingTheServerRefuses() {
        try (Redis.Connection admin = redis.connect()) {
            admin.call(c -> c.configResetstat());
            redis.connect().close();
            redis.connectAll(Duration.ofSeconds(1), Duration.ofSeconds(1)).forEach(Redis.Connection::close);

            // Lettuce would send CLIENT SETINFO with its name and version, which a server before 7.2 refuses (a round trip each).
            assertThat(admin.<String>call(c -> c.info("errorstats")).lines().filter(l -> l.startsWith("errorstat_"))).isEmpty();
        }
    }

    @Test
    void connectAllOpensOneConnectionPerTimeoutTogether() {
        long before = connectedClients();
        List<Redis.Connection> connections = redis.connectAll(Duration.ofSeconds(7), Duration.ofMillis(700));
        try {
            assertThat(connections).extracting(c -> c.stateful().getTimeout()).containsExactly(Duration.ofSeconds(7), Duration.ofMillis(700));
            connections.get(0).call(c -> c.set("all:key", "v"));
            assertThat(connections.get(1).<String>call(c -> c.get("all:key"))).isEqualTo("v");
            assertThat(connectedClients()).isEqualTo(before + 2);
        } finally {
            connections.forEach(Redis.Connection::close);
        }
    }

    @Test
    void connectAllThatCannotConnectFailsAsConnectDoes() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (Redis nowhere = Redis.create("redis://127.0.0.1:" + closedPort, Duration.ofSeconds(2))) {
            Throwable one = catchThrowable(nowhere::connect);
            Throwable all = catchThrowable(() -> nowhere.connectAll(Duration.ofSeconds(1), Duration.ofSeconds(1)));

            assertThat(one).isInstanceOf(RedisConnectionException.class);
            assertThat(all).isInstanceOf(RedisConnectionException.class).hasMessage(one.getMessage());
            assertThat(Redis.rootMessage((RuntimeException) all)).isEqualTo(Redis.rootMessage((RuntimeException) one));
        }
    }

    @Test
    void connectAllLeavesNoneOpenWhenOneFails() {
        try (Redis.Connection admin = redis.connect()) {
            long before = clients(admin);
            // Room for one more client only: the server refuses the second handshake.
            admin.call(c -> c.configSet("maxclients", Long.toString(before + 1)));
            try {
                assertThatThrownBy(() -> redis.connectAll(Duration.ofSeconds(5), Duration.ofSeconds(5)))
                        .isInstanceOf(RedisConnectionException.class);
            } finally {
                admin.call(c -> c.configSet("maxclients", "10000"));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (clients(admin) != before && System.nanoTime() < deadline) {
                LockSupport.parkNanos(Duration.ofMillis(5).toNanos()); // the server counts a close once it has read it
            }
            assertThat(clients(admin)).isEqualTo(before);
        }
    }

    /** The server's count of connected clients, apart from the one that asks. */
    private static long connectedClients() {
        try (Redis.Connection probe = redis.connect()) {
            return clients(probe) - 1;
        }
    }

    /** The server's count of connected clients, {@code via} included. */
    private static long clients(Redis.Connection via) {
        String info = via.call(c -> c.info("clients"));
        return info.lines().filter(l -> l.startsWith("connected_clients:")).mapToLong(l -> Long.parseLong(l.substring(18).trim()))
                .findFirst().orElseThrow();
    }
}
