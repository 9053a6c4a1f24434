package io.repobox.runner.cli;

import io.repobox.runner.job.JobStatus;
import java.util.Map;

/** What {@code submit --follow} and {@code logs --follow} do with a job: follow it to its end, or stop following on Ctrl-C. */
final class Following {

    private Following() {
    }

    /** Follows {@code jobId} until its end marker and returns the job's exit code; Ctrl-C stops following and leaves the job alone. */
    static int follow(RedisSession session, String jobId, JobConsole console) {
        Signals.onInterrupt(() -> console.exclusively(() -> {
            console.runner("Stopped following job " + jobId + "; the job goes on. Follow it again with: runner-app logs --follow "
                    + jobId + "   (cancel it with: runner-app cancel " + jobId + ")");
            Runtime.getRuntime().halt(ExitCodes.STOPPED_FOLLOWING);
        }), () -> Runtime.getRuntime().halt(ExitCodes.STOPPED_FOLLOWING));
        console.print(session.output(), jobId, true, () -> session.store.load(jobId).map(j -> j.getOrDefault("status", "")).orElse(""));
        Map<String, String> job = session.store.load(jobId).orElse(Map.of("id", jobId, "status", JobStatus.FAILED.value(),
                "error_message", "the job's record is gone"));
        console.summary(job);
        return JobConsole.exitCode(job);
    }
}
