package io.repobox.runner.cli;

import io.repobox.output.redis.OutputCursor;
import io.repobox.output.redis.OutputEntry;
import io.repobox.output.redis.RedisOutput;
import io.repobox.runner.job.JobStatus;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;

/** Prints a job's output for a person and turns its final record into the contract's exit code. */
final class JobConsole {

    private JobConsole() {
    }

    /** Prints the stored output after {@code from}, and with {@code follow} everything up to the end marker. */
    static void print(RedisOutput output, String jobId, boolean follow, PrintWriter out, PrintWriter err) {
        try (OutputCursor cursor = output.follow(jobId, null)) {
            while (!cursor.isEnded()) {
                var entries = cursor.poll(follow ? Duration.ofSeconds(5) : Duration.ZERO);
                if (entries.isEmpty() && !follow) {
                    break;
                }
                for (OutputEntry e : entries) {
                    if (e.isEnd()) {
                        continue;
                    }
                    PrintWriter target = e.source().equals("agent") && e.stream().equals("stdout") ? out : err;
                    target.println(e.source().equals("runner") ? "[runner] " + e.line() : e.line());
                    target.flush();
                }
            }
        }
    }

    /** The exit code for a final job record. */
    static int exitCode(Map<String, String> job) {
        String status = job.getOrDefault("status", "");
        if (JobStatus.SUCCESS.equals(status)) {
            return ExitCodes.SUCCESS;
        }
        if (JobStatus.CANCELLED.equals(status)) {
            return ExitCodes.CANCELLED;
        }
        return switch (job.getOrDefault("failure_kind", "")) {
            case "exit" -> ExitCodes.AGENT_FAILED;
            case "timeout", "idle" -> ExitCodes.TIMED_OUT;
            case "cancelled" -> ExitCodes.CANCELLED;
            default -> ExitCodes.INTERNAL;
        };
    }

    /** One line summing up a final record. */
    static String summary(Map<String, String> job) {
        String status = job.getOrDefault("status", "?");
        String message = job.getOrDefault("error_message", "");
        if (JobStatus.SUCCESS.equals(status)) {
            return job.getOrDefault("branch", "").isEmpty() ? "Job " + job.get("id") + " succeeded; the agent changed nothing"
                    : "Job " + job.get("id") + " succeeded on branch " + job.get("branch") + " (+" + job.getOrDefault("lines_added", "0")
                    + " −" + job.getOrDefault("lines_removed", "0") + ")";
        }
        return "Job " + job.get("id") + " " + status + (message.isEmpty() ? "" : ": " + message);
    }
}
