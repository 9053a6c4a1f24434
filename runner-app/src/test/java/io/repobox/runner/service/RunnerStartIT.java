package io.repobox.runner.service;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.repobox.output.redis.EmbeddedRedis;
import io.repobox.runner.config.RunnerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** A runner's start against its Redis: the connections it opens, and a Redis that comes up after it. */
class RunnerStartIT {

    @TempDir
    Path dir;

    @Test
    void aRunnerStartedBeforeItsRedisWaitsForItThenServes() throws Exception {
        int port = EmbeddedRedis.freePort();
        String url = "redis://127.0.0.1:" + port;
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        Logger log = (Logger) LoggerFactory.getLogger(Runner.class);
        log.addAppender(logged);
        try {
            CompletableFuture<Runner> starting = CompletableFuture.supplyAsync(() -> {
                try {
                    return Runner.create(RunnerConfig.of(new RunnerHarness(null, dir).env("REDIS_URL", url)), url, false, Duration.ofSeconds(60));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            RunnerHarness.await("the runner reports that Redis cannot be reached", () -> logged.list.stream()
                    .anyMatch(e -> e.getFormattedMessage().matches("cannot connect to Redis at " + url + ": .*; retrying in \\d+ ms")));
            assertThat(starting).isNotDone();

            try (EmbeddedRedis redis = EmbeddedRedis.start(dir.resolve("redis"), port, false, java.util.List.of());
                 Runner runner = starting.get(RunnerHarness.SAFETY_NET.toSeconds(), TimeUnit.SECONDS)) {
                String pong = runner.commands().call(c -> c.ping());
                assertThat(pong).isEqualTo("PONG");
                runner.service().start();
                // Three connections: commands (the output's reads share it), the queue's blocking reads, the output's writes.
                RunnerHarness.await("the runner's connections", () -> clients(runner) == 3);
            }
        } finally {
            log.detachAppender(logged);
        }
    }

    private static long clients(Runner runner) {
        return io.repobox.output.redis.testing.TestRedis.infoNumber(runner.commands().call(c -> c.info("clients")), "connected_clients");
    }
}
