package io.repobox.output.redis.testing;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.repobox.output.redis.EmbeddedRedis;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;

/**
 * A real redis-server for a test class, started on a free port from the embedded-redis binary,
 * with its own data directory, plus a plain client for assertions. Never a server the machine
 * happens to run.
 */
public final class TestRedis implements AutoCloseable {

    private final EmbeddedRedis server;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;

    private TestRedis(EmbeddedRedis server) {
        this.server = server;
        this.client = RedisClient.create(server.url());
        this.connection = client.connect();
    }

    /** A server that keeps its data across {@link #restart()} and {@link #killAndRestart()}. */
    public static TestRedis startPersistent() {
        try {
            return new TestRedis(EmbeddedRedis.start(Files.createTempDirectory("test-redis"), 0, true, List.of()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String url() {
        return server.url();
    }

    /** The number a field of an INFO reply holds ({@code connected_clients}, {@code total_connections_received}, ...). */
    public static long infoNumber(String info, String field) {
        return info.lines().filter(l -> l.startsWith(field + ":")).mapToLong(l -> Long.parseLong(l.substring(field.length() + 1).trim()))
                .findFirst().orElseThrow(() -> new AssertionError("no " + field + " in INFO"));
    }

    /** Synchronous commands for assertions and setup (reconnects by itself after a restart). */
    public RedisCommands<String, String> redis() {
        return connection.sync();
    }

    public void restart() {
        server.restart();
    }

    public void kill() {
        server.kill();
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown();
        server.close();
    }
}
