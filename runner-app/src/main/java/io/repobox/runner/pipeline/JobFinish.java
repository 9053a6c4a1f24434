package io.repobox.runner.pipeline;

import io.repobox.agent.output.OutputLine;
import io.repobox.runner.job.FinalRecord;
import io.repobox.runner.job.RedisRetry;
import io.repobox.runner.text.TerminalText;
import java.util.List;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of every job, whatever happened: the failure message (masked) as the last runner line of
 * its output, its final record on the hash (retried while Redis is away), and the workspace removed
 * (CLEANUP_AFTER_JOB). The end marker is written by the caller, after this.
 */
final class JobFinish {

    private static final Logger log = LoggerFactory.getLogger(JobFinish.class);

    private final JobSettings settings;
    private final BiConsumer<String, FinalRecord> records;

    /** @param records writes a job's final record (the job store's {@code finish}) */
    JobFinish(JobSettings settings, BiConsumer<String, FinalRecord> records) {
        this.settings = settings;
        this.records = records;
    }

    /** Writes the outcome; returns it with its message masked, as written. */
    JobOutcome write(JobContext ctx, JobOutcome outcome) {
        String jobId = ctx.job().id();
        ctx.closeAll(); // the job's sandbox: nothing of it runs once the job has its final record
        // The message may quote the agent's or the hook's last stderr lines: no terminal control sequence reaches the record.
        String message = TerminalText.sanitize(ctx.masker().mask(outcome.message()), false);
        if (!message.isEmpty()) {
            try {
                ctx.sink().accept(OutputLine.runnerError(message));
            } catch (RuntimeException e) {
                log.warn("Job {}: the failure could not be written to its output: {}", jobId, e.getMessage());
            }
        }
        // The final record sets every field the runner owns, so nothing written meanwhile by anyone else survives it.
        for (String owned : List.of("branch", "lines_added", "lines_removed", "exit_code")) {
            ctx.details().putIfAbsent(owned, "");
        }
        FinalRecord record = new FinalRecord(outcome.status(), outcome.failureKind(), message, System.currentTimeMillis(), ctx.details());
        RedisRetry.run("writing the final status of job " + jobId, () -> records.accept(jobId, record));
        if (settings.cleanup()) {
            Workspaces.delete(ctx.workspace());
        }
        return new JobOutcome(outcome.status(), outcome.failureKind(), message);
    }
}
