package io.repobox.agent.process;

import io.repobox.agent.output.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * How a process execution ended. Produced only once no process of the execution is alive.
 *
 * @param outcome          what happened
 * @param exitCode         the direct child's exit code, when it was started (after a stop, the code
 *                         the signal produced: 143 for SIGTERM, 137 for SIGKILL)
 * @param duration         from start to the moment the whole tree was gone
 * @param limit            the limit that applied: the timeout the execution had (null if it had none),
 *                         or for {@link Outcome#IDLE} the idle timeout that ended it
 * @param stoppedProcesses how many processes the execution signalled: on timeout or cancel the whole
 *                         tree; after a normal exit, the leftovers that were still running
 * @param stderrTail       the last lines printed on stderr (masked), oldest first, at most
 *                         {@value #TAIL_LINES}
 * @param startFailure     why the process did not start, for {@link Outcome#FAILED_TO_START}
 * @param error            what went wrong, for {@link Outcome#FAILED_TO_START} and {@link Outcome#ERROR}
 */
public record ProcessResult(Outcome outcome, OptionalInt exitCode, Duration duration, Duration limit,
                            int stoppedProcesses, List<String> stderrTail, StartFailure startFailure, String error) {

    /** How many stderr lines a result keeps. */
    public static final int TAIL_LINES = 10;

    /** How many characters of the stderr tail a message quotes. */
    private static final int MESSAGE_TAIL_CHARS = 600;

    /** The kinds of ending. */
    public enum Outcome {
        /** The process exited by itself; see {@link #exitCode()}. */
        EXITED,
        /** The timeout passed; the tree was stopped. */
        TIMED_OUT,
        /** The tree printed nothing for the idle timeout (a hung program); the tree was stopped. */
        IDLE,
        /** {@link ProcessExecution#cancel()} was called; the tree was stopped. */
        CANCELLED,
        /** The program could not be started; see {@link #startFailure()}. */
        FAILED_TO_START,
        /** Reading the output or delivering it failed; the tree was stopped. */
        ERROR
    }

    /** Why a program could not start. */
    public enum StartFailure {
        /** No such file, or not found on PATH. */
        NOT_FOUND,
        /** The file exists but is not an executable file. */
        NOT_EXECUTABLE,
        /** The working directory does not exist or is not a directory. */
        BAD_WORKING_DIRECTORY,
        /** Anything else the operating system refused. */
        OTHER
    }

    public ProcessResult {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(exitCode, "exitCode");
        Objects.requireNonNull(duration, "duration");
        stderrTail = List.copyOf(stderrTail);
    }

    /** Whether the process exited by itself with code 0. */
    public boolean isSuccess() {
        return outcome == Outcome.EXITED && exitCode.orElse(-1) == 0;
    }

    /**
     * One sentence for a person, naming {@code subject} ("Agent", "git clone", "pre-run hook for
     * environment 'php'"): "Agent exited with code 1: Not logged in · Please run /login",
     * "Agent timed out after 30m; stopped 4 processes", "Agent printed nothing for 10m; stopped it",
     * "git push could not start: 'git' not found on PATH".
     */
    public String describe(String subject) {
        return switch (outcome) {
            case EXITED -> exitCode.orElse(-1) == 0 ? subject + " finished" : subject + " exited with code "
                    + exitCode.orElse(-1) + signalNote() + tailNote();
            case TIMED_OUT -> subject + " timed out after " + (limit == null ? Durations.format(duration)
                    : Durations.format(limit)) + "; stopped " + processes(stoppedProcesses);
            case IDLE -> subject + " printed nothing for " + Durations.format(limit == null ? duration : limit) + "; stopped it";
            case CANCELLED -> subject + " was cancelled; stopped " + processes(stoppedProcesses);
            case FAILED_TO_START -> subject + " could not start: " + error;
            case ERROR -> subject + " failed: " + error + "; stopped " + processes(stoppedProcesses);
        };
    }

    private String signalNote() {
        int code = exitCode.orElse(-1);
        if (code <= 128 || code > 128 + 64) {
            return "";
        }
        int signal = code - 128;
        return switch (signal) {
            case 9 -> " (killed by SIGKILL, perhaps for lack of memory)";
            case 15 -> " (terminated by SIGTERM)";
            default -> " (killed by signal " + signal + ")";
        };
    }

    /** The last (up to) three non-blank stderr lines, oldest first, joined with " · ", bounded in length. */
    private String tailNote() {
        List<String> quoted = new ArrayList<>();
        for (int i = stderrTail.size() - 1; i >= 0 && quoted.size() < 3; i--) {
            String line = stderrTail.get(i).strip();
            if (!line.isEmpty()) {
                quoted.add(0, line);
            }
        }
        String joined = String.join(" · ", quoted);
        if (joined.length() > MESSAGE_TAIL_CHARS) {
            joined = "…" + joined.substring(joined.length() - MESSAGE_TAIL_CHARS);
        }
        return joined.isEmpty() ? "" : ": " + joined;
    }

    private static String processes(int n) {
        return n == 1 ? "1 process" : n + " processes";
    }
}
