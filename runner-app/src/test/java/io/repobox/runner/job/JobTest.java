package io.repobox.runner.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JobTest {

    @Test
    void theHashWinsAndTheQueueEntryFillsWhatItLacks() {
        Job job = Job.of("j1", Map.of("repo_url", "https://git.example/a.git", "status", "pending", "prompt", ""),
                Map.of("job_id", "j1", "repo_url", "https://git.example/other.git", "prompt", "from the entry", "provider_id", "p1"));

        assertThat(job.repoUrl()).isEqualTo("https://git.example/a.git");
        assertThat(job.prompt()).as("present in the hash, even empty").isEmpty();
        assertThat(job.providerId()).as("missing from the hash").isEqualTo("p1");
        assertThat(job.status()).contains(JobStatus.PENDING);
        assertThat(job.hasStartedAt()).isFalse();
    }

    @Test
    void aMissingOrBlankEnvironmentIsTheDefaultOne() {
        assertThat(Job.of("j", Map.of("status", "pending"), Map.of()).environment()).isEqualTo("default");
        assertThat(Job.of("j", Map.of("environment", " "), Map.of()).environment()).isEqualTo("default");
        assertThat(Job.of("j", Map.of(), Map.of("environment", "node")).environment()).isEqualTo("node");
    }

    @Test
    void everyJobCountsAgainstAUser() {
        assertThat(Job.of("j", Map.of("user_id", ""), Map.of("user_id", "u2")).userId()).isEqualTo("u2");
        assertThat(Job.of("j", Map.of("user_id", "u1"), Map.of("user_id", "u2")).userId()).isEqualTo("u1");
        assertThat(Job.of("j", Map.of(), Map.of()).userId()).isEqualTo(Job.UNKNOWN_USER);
    }

    @Test
    void aStatusOutsideTheContractIsKeptAsWrittenButHasNoType() {
        Job job = Job.of("j", Map.of("status", "paused", "started_at", "", "runner_id", "r1"), Map.of());

        assertThat(job.status()).isEmpty();
        assertThat(job.statusValue()).isEqualTo("paused");
        assertThat(job.hasStartedAt()).isTrue();
        assertThat(job.runnerId()).isEqualTo("r1");
    }

    @Test
    void statusesAndFailureKindsAreTheContractsValues() {
        assertThat(JobStatus.values()).extracting(JobStatus::value).containsExactly("pending", "running", "success", "failed", "cancelled");
        assertThat(JobStatus.values()).filteredOn(JobStatus::isTerminal).containsExactly(JobStatus.SUCCESS, JobStatus.FAILED,
                JobStatus.CANCELLED);
        assertThat(JobStatus.isTerminal("failed")).isTrue();
        assertThat(JobStatus.isTerminal(null)).isFalse();
        assertThat(FailureKind.values()).extracting(FailureKind::value).containsExactly("timeout", "exit", "internal", "cancelled", "idle");
        assertThat(FailureKind.fromValue("idle")).isEqualTo(FailureKind.IDLE);
        assertThat(FailureKind.fromValue(null)).isEqualTo(FailureKind.INTERNAL);
    }

    @Test
    void aFinalRecordWritesItsFourFieldsAfterTheDetails() {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("exit_code", "1");
        details.put("status", "sneaky");
        FinalRecord record = FinalRecord.failed(FailureKind.EXIT, "Agent exited with code 1", 42, details);

        assertThat(record.status()).isEqualTo(JobStatus.FAILED);
        assertThat(record.fields()).containsExactly(Map.entry("exit_code", "1"), Map.entry("status", "failed"),
                Map.entry("finished_at", "42"), Map.entry("error_message", "Agent exited with code 1"), Map.entry("failure_kind", "exit"));
        assertThat(FinalRecord.success(7, Map.of("branch", "repobox/abc")).fields()).containsEntry("failure_kind", "")
                .containsEntry("error_message", "").containsEntry("status", "success").containsEntry("branch", "repobox/abc");
        assertThat(FinalRecord.failed(FailureKind.CANCELLED, "Cancelled while cloning the repository", 1, Map.of()).status())
                .isEqualTo(JobStatus.CANCELLED);
    }

    @Test
    void aFinalRecordIsConsistent() {
        assertThatThrownBy(() -> new FinalRecord(JobStatus.RUNNING, Optional.empty(), "", 1, Map.of()))
                .hasMessage("a final record needs a final status, not running");
        assertThatThrownBy(() -> new FinalRecord(JobStatus.SUCCESS, Optional.of(FailureKind.EXIT), "", 1, Map.of()))
                .hasMessage("a failure kind goes with a failed or cancelled job, not success");
        assertThatThrownBy(() -> new FinalRecord(JobStatus.FAILED, Optional.empty(), "", 1, Map.of()))
                .hasMessage("a failure kind goes with a failed or cancelled job, not failed");
    }
}
