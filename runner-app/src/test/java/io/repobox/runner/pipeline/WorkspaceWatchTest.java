package io.repobox.runner.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkspaceWatchTest {

    @TempDir
    Path workspace;

    @Test
    void aWorkspaceThatGrowsPastTheLimitWhileWatchedIsReportedOnce() throws Exception {
        CountDownLatch reported = new CountDownLatch(1);
        AtomicInteger reports = new AtomicInteger();
        try (WorkspaceWatch watch = WorkspaceWatch.start(workspace, 1 << 20, Duration.ofMillis(20), () -> {
            reports.incrementAndGet();
            reported.countDown();
        })) {
            Files.write(workspace.resolve("a"), new byte[600 << 10]);
            Files.createDirectories(workspace.resolve("deep/er"));
            Files.write(workspace.resolve("deep/er/b"), new byte[600 << 10]); // the two together pass 1 MiB

            assertThat(reported.await(30, TimeUnit.SECONDS)).as("reported while watched").isTrue();
            assertThat(watch.exceeded()).isTrue();
        }
        assertThat(reports).hasValue(1);
    }

    @Test
    void aWorkspaceWithinTheLimitIsNeverReported() throws Exception {
        AtomicInteger reports = new AtomicInteger();
        Files.write(workspace.resolve("a"), new byte[1 << 20]); // exactly the limit is within it
        try (WorkspaceWatch watch = WorkspaceWatch.start(workspace, 1 << 20, Duration.ofMillis(20), reports::incrementAndGet)) {
            assertThat(watch.exceeded()).isFalse();
        }
        assertThat(reports).hasValue(0);
    }

    @Test
    void aClosedWatchNeverReportsAgain() throws Exception {
        AtomicInteger reports = new AtomicInteger();
        WorkspaceWatch watch = WorkspaceWatch.start(workspace, 10, Duration.ofMillis(20), reports::incrementAndGet);
        watch.close();
        Files.write(workspace.resolve("a"), new byte[100]);

        assertThat(watch.exceeded()).as("a closed watch measures nothing more").isFalse();
        assertThat(reports).hasValue(0);
    }
}
