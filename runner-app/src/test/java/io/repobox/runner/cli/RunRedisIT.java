package io.repobox.runner.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The private Redis of {@code run}: nobody else can use it or swap its binary, and nothing is left when it stops. */
class RunRedisIT {

    @TempDir
    Path dir;

    @Test
    void aPrivateDirectoryAPasswordAndNothingLeftAfterClose() throws Exception {
        RunRedis redis = RunRedis.start();
        Path home = redis.directory();
        try {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home))).isEqualTo("rwx------");
            assertThat(home.resolve("redis-server")).isExecutable();
            assertThat(ProcessHandle.of(redis.pid()).orElseThrow().descendants().map(p -> p.info().commandLine().orElse("")))
                    .as("the password is never in argv").noneMatch(c -> c.contains(redis.password()));
            RedisClient client = RedisClient.create("redis://127.0.0.1:" + redis.port());
            try {
                assertThatThrownBy(client::connect).as("no client without the password")
                        .hasRootCauseInstanceOf(RedisCommandExecutionException.class).hasStackTraceContaining("NOAUTH");
            } finally {
                client.shutdown();
            }
            RedisClient authed = RedisClient.create(redis.url());
            try (StatefulRedisConnection<String, String> c = authed.connect()) {
                assertThat(c.sync().ping()).isEqualTo("PONG");
            } finally {
                authed.shutdown();
            }
        } finally {
            redis.close();
        }
        assertThat(home).doesNotExist();
        assertThat(ProcessHandle.of(redis.pid())).isEmpty();
    }

    @Test
    void aBinaryThatDoesNotMatchItsChecksumIsNeverExecuted() throws Exception {
        Path target = dir.resolve("x");
        Files.createDirectories(target);
        assertThatThrownBy(() -> RunRedis.install(target, RunRedis.resourceName(), "0".repeat(64)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("does not match its known checksum")
                .hasMessageContaining("it was not executed");
        assertThat(target.resolve("redis-server")).doesNotExist();
        assertThat(RunRedis.sha256(RunRedis.install(dir, RunRedis.resourceName(), RunRedis.CHECKSUMS.get(RunRedis.resourceName()))))
                .isEqualTo(RunRedis.CHECKSUMS.get(RunRedis.resourceName()));
    }
}
