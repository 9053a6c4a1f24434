package io.repobox.runner.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.repobox.runner.job.Job;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AdmissionTest {

    static Optional<Job> job(String... kv) {
        Map<String, String> hash = new java.util.HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            hash.put(kv[i], kv[i + 1]);
        }
        return Optional.of(Job.of("job-1", hash, Map.of()));
    }

    @Test
    void aMalformedIdIsSkippedWithoutReadingAnything() {
        assertThat(Admission.needsJob("../../etc", false)).isFalse();
        assertThat(Admission.needsJob(null, false)).isFalse();
        assertThat(Admission.of("../../etc", false, Optional.empty())).isEqualTo(Admission.MALFORMED);
        assertThat(Admission.of(null, false, Optional.empty())).isEqualTo(Admission.MALFORMED);
    }

    @Test
    void aJobThisRunnerRunsIsARedeliveryAndIsLeftAlone() {
        assertThat(Admission.needsJob("job-1", true)).isFalse();
        assertThat(Admission.of("job-1", true, Optional.empty())).isEqualTo(Admission.OURS);
    }

    @Test
    void onlyAPendingJobIsTaken() {
        assertThat(Admission.needsJob("job-1", false)).isTrue();
        assertThat(Admission.of("job-1", false, Optional.empty())).isEqualTo(Admission.MISSING);
        assertThat(Admission.of("job-1", false, job("status", "pending"))).isEqualTo(Admission.TAKE);
        assertThat(Admission.of("job-1", false, job("status", "running", "started_at", "1"))).isEqualTo(Admission.RUNNING_ELSEWHERE);
        assertThat(Admission.of("job-1", false, job("status", "cancelled"))).as("cancelled before it started")
                .isEqualTo(Admission.NOT_PENDING);
        assertThat(Admission.of("job-1", false, job("status", "paused"))).isEqualTo(Admission.NOT_PENDING);
        assertThat(Admission.of("job-1", false, job())).isEqualTo(Admission.NOT_PENDING);
    }

    @Test
    void aJobThatEndedAfterStartingMayNeedItsEndMarker() {
        for (String status : new String[] {"success", "failed", "cancelled"}) {
            assertThat(Admission.of("job-1", false, job("status", status, "started_at", "1"))).as(status).isEqualTo(Admission.ENDED);
        }
    }

    @Test
    void aRunningJobIsRecoveredOnlyWhenNoOtherRunnerHoldsItsLease() {
        assertThat(Admission.shouldRecover(null, "runner-a")).as("the lease expired: its runner stopped").isTrue();
        assertThat(Admission.shouldRecover("runner-a", "runner-a")).as("ours from before a restart").isTrue();
        assertThat(Admission.shouldRecover("runner-b", "runner-a")).as("its runner is alive").isFalse();
    }
}
