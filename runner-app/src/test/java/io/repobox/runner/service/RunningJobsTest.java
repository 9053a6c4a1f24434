package io.repobox.runner.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.repobox.runner.job.JobQueue;
import io.repobox.runner.pipeline.JobControl;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RunningJobsTest {

    static RunningJobs.Running running(String id) {
        return new RunningJobs.Running(new JobQueue.Entry("1-" + id, Map.of("job_id", id)), "user", new JobControl());
    }

    @Test
    void slotsAreTakenBeforeAJobStartsAndFreedWhenItEnds() {
        RunningJobs jobs = new RunningJobs(2);

        assertThat(jobs.reserve()).isTrue();
        jobs.started("a", running("a"));
        assertThat(jobs.reserve()).isTrue();
        jobs.unreserve(); // that one did not start
        assertThat(jobs.reserve()).isTrue();
        jobs.started("b", running("b"));

        assertThat(jobs.reserve()).as("both slots taken").isFalse();
        assertThat(jobs.contains("a")).isTrue();
        assertThat(jobs.contains(null)).as("an entry without a job id").isFalse();
        assertThat(jobs.size()).isEqualTo(2);
        assertThat(jobs.freeSlots()).isZero();

        jobs.ended("a");
        assertThat(jobs.contains("a")).isFalse();
        assertThat(jobs.freeSlots()).isEqualTo(1);
    }

    @Test
    void waitingForFreeSlotsEndsWhenAJobEnds() throws Exception {
        RunningJobs jobs = new RunningJobs(1);
        assertThat(jobs.reserve()).isTrue();
        jobs.started("a", running("a"));
        assertThat(jobs.awaitFree(1, Duration.ofMillis(20))).isFalse();

        CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return jobs.awaitIdle(Duration.ofMinutes(1));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        jobs.ended("a");

        assertThat(waiting.get(30, TimeUnit.SECONDS)).isTrue();
        assertThat(jobs.freeSlots()).as("waiting takes no slot").isEqualTo(1);
    }

    @Test
    void waitingForMoreSlotsThanThereAreMeansWaitingForAllOfThem() throws InterruptedException {
        assertThat(new RunningJobs(2).awaitFree(5, Duration.ofMillis(1))).isTrue();
    }
}
