package io.repobox.runner.cli;

import io.repobox.output.redis.OutputCursor;
import io.repobox.output.redis.OutputEntry;
import io.repobox.output.redis.RedisOutput;
import io.repobox.runner.job.JobStatus;
import io.repobox.runner.text.TerminalText;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one owner of a following command's console: prints a job's output for a person (agent stdout
 * on stdout, everything else on stderr), its summary, and the runner's own notices, each line whole
 * (one lock), with terminal control sequences neutralised and colours only on a terminal.
 */
final class JobConsole {

    /** How long a followed job may stay pending before the console says that no runner took it. */
    static final Duration NO_RUNNER_NOTICE = Duration.ofSeconds(5);

    private static final String RESET = "\033[0m";
    private static final Pattern PORCELAIN = Pattern.compile("([ +\\-*=!])\t([^\t]*):refs/heads/([^\t]*)\t(.*)");

    /** How long a followed job must be silent before a terminal shows for how long. */
    static final Duration TICK_AFTER = Duration.ofSeconds(3);

    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean colours;
    private final Duration tickAfter;
    private final Object lock = new Object();
    private boolean ticking;

    JobConsole(PrintWriter out, PrintWriter err, boolean colours) {
        this(out, err, colours, TICK_AFTER);
    }

    JobConsole(PrintWriter out, PrintWriter err, boolean colours, Duration tickAfter) {
        this.out = out;
        this.err = err;
        this.colours = colours;
        this.tickAfter = tickAfter;
    }

    /**
     * Prints the stored output, and with {@code follow} everything up to the end marker. While the
     * job is still {@code pending} after {@link #NO_RUNNER_NOTICE}, says once that no runner took it.
     */
    void print(RedisOutput output, String jobId, boolean follow, Supplier<String> status) {
        long started = System.nanoTime();
        long lastLine = started;
        boolean noticed = false;
        try (OutputCursor cursor = output.follow(jobId, null)) {
            while (!cursor.isEnded()) {
                var entries = cursor.poll(follow ? Duration.ofSeconds(1) : Duration.ZERO);
                if (entries.isEmpty() && !follow) {
                    break;
                }
                for (OutputEntry e : entries) {
                    if (!e.isEnd()) {
                        line(e.source(), e.stream(), e.line());
                    }
                }
                long now = System.nanoTime();
                if (!entries.isEmpty()) {
                    lastLine = now;
                } else if (follow) {
                    if (!noticed && now - started > NO_RUNNER_NOTICE.toNanos() && JobStatus.PENDING.value().equals(status.get())) {
                        noticed = true;
                        runner("No runner has taken job " + jobId + " after " + NO_RUNNER_NOTICE.toSeconds() + "s. Is a runner "
                                + "serving this Redis? Check with 'runner-app runners', or start one with 'runner-app serve'. Still waiting.");
                    }
                    tick(Duration.ofNanos(now - lastLine));
                }
            }
        }
        clearTick();
    }

    /** One line of a job's output. */
    void line(String source, String stream, String text) {
        boolean agentStdout = source.equals("agent") && stream.equals("stdout");
        String clean = TerminalText.sanitize(text, colours && !source.equals("runner"));
        String shown = switch (source) {
            case "runner" -> paint("36", "[runner] " + words(clean));
            case "hook" -> paint("35", "[hook] " + clean);
            default -> agentStdout ? clean : paint("33", clean);
        };
        synchronized (lock) {
            clearTick();
            (agentStdout ? out : err).println(shown);
            (agentStdout ? out : err).flush();
        }
    }

    /** A notice of the runner or of this command, on stderr. */
    void runner(String text) {
        synchronized (lock) {
            clearTick();
            err.println(paint("36", "[runner] " + TerminalText.sanitize(text, false)));
            err.flush();
        }
    }

    /** The final line: the summary of the record, coloured by outcome. */
    void summary(Map<String, String> job) {
        String status = job.getOrDefault("status", "");
        synchronized (lock) {
            clearTick();
            err.println(paint(JobStatus.SUCCESS.value().equals(status) ? "32" : "31", "[runner] " + TerminalText.sanitize(summaryText(job), false)));
            err.flush();
        }
    }

    /** Runs {@code action} holding the console, so that nothing prints half a line around it. */
    void exclusively(Runnable action) {
        synchronized (lock) {
            clearTick();
            out.flush();
            action.run();
            err.flush();
        }
    }

    /** On a terminal only, a line that says how long the job has been silent; never in a pipe or a file. */
    private void tick(Duration silent) {
        if (!colours || silent.compareTo(tickAfter) < 0) {
            return;
        }
        synchronized (lock) {
            err.print("\r\033[2K\033[2m… " + silent.toSeconds() + "s without output" + RESET);
            err.flush();
            ticking = true;
        }
    }

    private void clearTick() {
        synchronized (lock) {
            if (ticking) {
                err.print("\r\033[2K");
                ticking = false;
            }
        }
    }

    private String paint(String sgr, String text) {
        return colours ? "\033[" + sgr + "m" + text + RESET : text;
    }

    /** git push --porcelain's status lines, in words. */
    static String words(String line) {
        Matcher m = PORCELAIN.matcher(line);
        if (!m.matches()) {
            return line;
        }
        String branch = m.group(3);
        String summary = m.group(4).trim();
        return switch (m.group(1)) {
            case "*" -> "The remote has a new branch " + branch;
            case " ", "+" -> "The remote's branch " + branch + " was updated";
            case "=" -> "The remote's branch " + branch + " was already up to date";
            case "-" -> "The remote's branch " + branch + " was deleted";
            default -> "The remote refused branch " + branch + ": " + summary.replaceAll("^\\[rejected\\] ?", "").replaceAll("[()]", "");
        };
    }

    /** The exit code for a final job record. */
    static int exitCode(Map<String, String> job) {
        String status = job.getOrDefault("status", "");
        if (JobStatus.SUCCESS.value().equals(status)) {
            return ExitCodes.SUCCESS;
        }
        if (JobStatus.CANCELLED.value().equals(status)) {
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
    static String summaryText(Map<String, String> job) {
        String status = job.getOrDefault("status", "?");
        String message = job.getOrDefault("error_message", "");
        if (JobStatus.SUCCESS.value().equals(status)) {
            return job.getOrDefault("branch", "").isEmpty() ? "Job " + job.get("id") + " succeeded; the agent changed nothing"
                    : "Job " + job.get("id") + " succeeded on branch " + job.get("branch") + " (+" + job.getOrDefault("lines_added", "0")
                    + " −" + job.getOrDefault("lines_removed", "0") + ")";
        }
        return "Job " + job.get("id") + " " + status + (message.isEmpty() ? "" : ": " + message);
    }
}
