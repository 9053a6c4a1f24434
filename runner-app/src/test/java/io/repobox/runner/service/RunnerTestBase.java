package io.repobox.runner.service;

import io.repobox.output.redis.testing.TestRedis;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the runner's integration tests share: one real Redis per class, emptied before each test, a
 * {@link RunnerHarness} over a fresh directory, and the test's runner closed after it.
 */
abstract class RunnerTestBase {

    static TestRedis redis;

    @TempDir
    Path dir;

    RunnerHarness h;
    /** The runner a test started, if any; closed after the test. */
    Runner runner;

    @BeforeAll
    static void startRedis() {
        redis = TestRedis.startPersistent();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @BeforeEach
    void setUpHarness() throws Exception {
        redis.redis().flushall();
        h = new RunnerHarness(redis, dir);
    }

    @AfterEach
    void closeRunner() {
        if (runner != null) {
            runner.close();
        }
    }
}
