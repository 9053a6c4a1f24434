package io.repobox.runner.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.repobox.agent.output.OutputLine;
import io.repobox.runner.job.FailureKind;
import io.repobox.runner.job.FinalRecord;
import io.repobox.runner.job.Job;
import io.repobox.runner.job.JobStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pipeline's own rules (order, failures, stops, the final record, cleanup) with steps that stand in for the real ones. */
class JobPipelineTest {

    @TempDir
    Path temp;

    final Map<String, FinalRecord> records = new LinkedHashMap<>();
    final List<OutputLine> output = new ArrayList<>();
    final List<String> ran = new ArrayList<>();
    final JobControl control = new JobControl();

    /** A step that records that it ran, then does {@code body}. */
    Step step(String doing, Body body) {
        return new Step() {
            @Override
            public String doing() {
                return doing;
            }

            @Override
            public boolean applies(JobContext job) {
                return !doing.startsWith("skipped");
            }

            @Override
            public void run(JobContext job) throws StepFailure, InterruptedException, IOException {
                ran.add(doing);
                body.run(job);
            }
        };
    }

    interface Body {
        void run(JobContext job) throws StepFailure, InterruptedException, IOException;
    }

    JobPipeline pipeline(Duration jobTimeout, StepListener listener, Step... steps) {
        JobSettings settings = new JobSettings("runner-1", "fake", temp, true, jobTimeout, Duration.ofMinutes(1), Duration.ofMinutes(1), true, "",
                Duration.ofSeconds(1), List.of("s3cr3t-runner-value"));
        return new JobPipeline(settings, records::put, List.of(steps), listener);
    }

    JobOutcome run(Step... steps) {
        return pipeline(Duration.ofMinutes(5), StepListener.NONE, steps).run(job(), output::add, control);
    }

    static Job job() {
        return Job.of("job-1", Map.of("status", "running", "prompt", "p"), Map.of());
    }

    @Test
    void stepsRunInOrderSkippingThoseWithNothingToDoAndTheJobSucceeds() {
        JobOutcome outcome = run(step("first", ctx -> ctx.details().put("branch", "repobox/job-1")), step("skipped one", ctx -> { }),
                step("last", ctx -> { }));

        assertThat(ran).containsExactly("first", "last");
        assertThat(outcome).isEqualTo(JobOutcome.success());
        assertThat(records.get("job-1").fields()).containsEntry("status", "success").containsEntry("branch", "repobox/job-1")
                .containsEntry("failure_kind", "").containsEntry("error_message", "");
        assertThat(output).isEmpty();
    }

    @Test
    void theFirstFailingStepEndsTheJobWithItsOwnMessageAndKind() {
        JobOutcome outcome = run(step("running the agent", ctx -> {
            ctx.details().put("exit_code", "3");
            throw new StepFailure(FailureKind.EXIT, "Agent exited with code 3");
        }), step("committing the changes", ctx -> { }));

        assertThat(ran).containsExactly("running the agent");
        assertThat(outcome).isEqualTo(JobOutcome.failed(FailureKind.EXIT, "Agent exited with code 3"));
        assertThat(records.get("job-1").fields()).containsEntry("status", "failed").containsEntry("failure_kind", "exit")
                .containsEntry("exit_code", "3").containsEntry("error_message", "Agent exited with code 3");
        assertThat(output).singleElement().satisfies(line -> {
            assertThat(line.text()).isEqualTo("Agent exited with code 3");
            assertThat(line.source()).isEqualTo(OutputLine.Source.RUNNER);
            assertThat(line.stream()).isEqualTo(OutputLine.Stream.STDERR);
        });
    }

    @Test
    void anUnexpectedErrorIsInternalAndNamesTheStep() {
        JobOutcome outcome = run(step("cloning the repository", ctx -> {
            throw new IllegalStateException("disk on fire");
        }));

        assertThat(outcome).isEqualTo(JobOutcome.failed(FailureKind.INTERNAL, "Internal error while cloning the repository: disk on fire"));
    }

    @Test
    void aCancelWinsOverWhatTheStoppedStepSaid() {
        JobOutcome outcome = run(step("running the pre-run hook", ctx -> {
            control.stop(JobControl.Reason.CANCELLED);
            throw new StepFailure(FailureKind.EXIT, "Pre-run hook exited with code 143");
        }));

        assertThat(outcome).isEqualTo(JobOutcome.cancelled("Cancelled while running the pre-run hook"));
        assertThat(records.get("job-1").fields()).containsEntry("status", "cancelled").containsEntry("failure_kind", "cancelled");
    }

    @Test
    void aShutdownNamesTheRunner() {
        JobOutcome outcome = run(step("pushing the branch", ctx -> {
            control.stop(JobControl.Reason.SHUTDOWN);
            throw new InterruptedException();
        }));

        assertThat(outcome).isEqualTo(JobOutcome.cancelled("Runner runner-1 was shut down while pushing the branch; the job was stopped"));
        assertThat(Thread.interrupted()).as("the interrupt is kept for the caller").isTrue();
    }

    @Test
    void aJobPastItsDeadlineTimesOutNamingJobTimeout() {
        JobOutcome outcome = pipeline(Duration.ZERO, StepListener.NONE, step("running the agent", ctx -> {
            throw new StepFailure(FailureKind.INTERNAL, "stopped");
        })).run(job(), output::add, control);

        assertThat(outcome).isEqualTo(JobOutcome.failed(FailureKind.TIMEOUT, "Job timed out after 0ms (JOB_TIMEOUT) while running the agent"));
    }

    @Test
    void secretsAreMaskedInTheRecordTheOutputAndTheReturnedOutcome() {
        JobOutcome outcome = run(step("preparing the workspace", ctx -> {
            ctx.addSecrets(List.of("job-token-123456"));
            throw StepFailure.internal("git said job-token-123456 and s3cr3t-runner-value");
        }));

        assertThat(outcome.message()).doesNotContain("job-token-123456").doesNotContain("s3cr3t-runner-value");
        assertThat(records.get("job-1").errorMessage()).isEqualTo(outcome.message());
        assertThat(output).extracting(OutputLine::text).containsExactly(outcome.message());
    }

    @Test
    void theWorkspaceIsRemovedWhateverHappened() throws IOException {
        run(step("preparing the workspace", ctx -> {
            Workspaces.create(temp, ctx.workspace());
            Files.writeString(ctx.workspace().resolve("left-over"), "x");
            throw StepFailure.internal("no");
        }));

        assertThat(temp.resolve("job-1")).doesNotExist();
    }

    @Test
    void aListenerSeesEveryStepThatRanWithItsFailure() {
        List<String> seen = new ArrayList<>();
        StepListener listener = new StepListener() {
            @Override
            public void started(JobContext job, Step step) {
                seen.add("started " + step.doing());
            }

            @Override
            public void ended(JobContext job, Step step, Duration took, Throwable failure) {
                seen.add("ended " + step.doing() + (failure == null ? "" : " with " + failure.getMessage()));
            }
        };
        pipeline(Duration.ofMinutes(1), listener, step("first", ctx -> { }), step("skipped", ctx -> { }),
                step("second", ctx -> {
                    throw StepFailure.internal("boom");
                })).run(job(), output::add, control);

        assertThat(seen).containsExactly("started first", "ended first", "started second", "ended second with boom");
    }

    @Test
    void theLauncherIsDirectUntilAStepConfinesTheJob() {
        run(step("sandbox", ctx -> {
            assertThat(ctx.launcher().confined()).isFalse();
            ctx.launcher(new io.repobox.agent.process.ProcessLauncher() {
                @Override
                public io.repobox.agent.process.ProcessExecution start(io.repobox.agent.process.ProcessSpec spec,
                                                                       io.repobox.agent.process.LineHandler handler) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public boolean confined() {
                    return true;
                }
            });
        }), step("agent", ctx -> assertThat(ctx.launcher().confined()).isTrue()));

        assertThat(records.get("job-1").status()).isEqualTo(JobStatus.SUCCESS);
        assertThat(records.get("job-1").failureKind()).isEqualTo(Optional.empty());
    }
}
