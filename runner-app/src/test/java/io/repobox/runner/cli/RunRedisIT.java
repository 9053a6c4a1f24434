package io.repobox.runner.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The private Redis of {@code run}: nobody else can use it or swap its binary, and nothing is left when it stops. */
class RunRedisIT {

    @TempDir
    Path dir;

    @Test
    void aPrivateDirectoryAPasswordAndNothingLeftAfterClose() throws Exception {
        RunRedis redis = RunRedis.start(Map.of("XDG_CACHE_HOME", dir.resolve("cache").toString()));
        Path home = redis.directory();
        try {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home))).isEqualTo("rwx------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("cache/repobox-runner"))))
                    .as("the binary's cache is private").isEqualTo("rwx------");
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
        assertThatThrownBy(() -> RedisBinary.install(target, RedisBinary.resourceName(), "0".repeat(64)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("does not match its known checksum")
                .hasMessageContaining("it was not executed");
        assertThat(target.resolve("redis-server")).doesNotExist();
        assertThat(RedisBinary.sha256(RedisBinary.install(dir, RedisBinary.resourceName(), expected()))).isEqualTo(expected());
    }

    @Test
    void theCachedBinaryIsUsedOnlyWhileItIsPrivateAndARegularFileOfThisUser() throws Exception {
        Map<String, String> env = Map.of("XDG_CACHE_HOME", dir.resolve("cache").toString());
        Path first = RedisBinary.locate(Files.createDirectory(dir.resolve("run1")), env);
        assertThat(first).startsWith(dir.resolve("cache/repobox-runner")).isExecutable();
        assertThat(RedisBinary.sha256(first)).isEqualTo(expected());
        assertThat(RedisBinary.locate(Files.createDirectory(dir.resolve("run2")), env)).as("used again").isEqualTo(first);

        // A copy that another user could have written (mode 777) is not trusted: it is checked and replaced.
        Files.writeString(first, "#!/bin/sh\necho replaced\n");
        Files.setPosixFilePermissions(first, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path again = RedisBinary.locate(Files.createDirectory(dir.resolve("run3")), env);
        assertThat(RedisBinary.sha256(again)).isEqualTo(expected());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(again))).isEqualTo("rwx------");

        // A link in its place is not followed: the link is replaced by a checked copy.
        Path elsewhere = Files.writeString(dir.resolve("elsewhere"), "#!/bin/sh\necho elsewhere\n");
        Files.setPosixFilePermissions(elsewhere, PosixFilePermissions.fromString("rwx------"));
        Files.delete(again);
        Files.createSymbolicLink(again, elsewhere);
        Path linked = RedisBinary.locate(Files.createDirectory(dir.resolve("run4")), env);
        assertThat(linked).isRegularFile();
        assertThat(Files.isSymbolicLink(linked)).isFalse();
        assertThat(RedisBinary.sha256(linked)).isEqualTo(expected());
        assertThat(Files.readString(elsewhere)).as("the link's target is untouched").contains("echo elsewhere");

        // Without a usable cache (no HOME, no XDG_CACHE_HOME) the binary goes into the run's own directory.
        Path run5 = Files.createDirectory(dir.resolve("run5"));
        assertThat(RedisBinary.locate(run5, Map.of())).isEqualTo(run5.resolve("redis-server"));
    }

    private static String expected() {
        return RedisBinary.CHECKSUMS.get(RedisBinary.resourceName());
    }
}
