package io.repobox.agent;

import io.repobox.agent.process.ProcessResult;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * How an execution ended.
 *
 * @param outcome  what happened; callers branch on this
 * @param exitCode the process's exit code, when there was a process and it exited
 * @param message  one or two sentences for a person, fit for the job's {@code error_message} (for
 *                 a success, a short summary); secrets already masked; never a stack trace
 * @param duration wall time from start to the moment no process of the execution was left
 * @param details  provider facts worth recording on the job (session id, turns, cost), keyed in
 *                 snake_case; insertion-ordered and unmodifiable
 */
public record AgentResult(Outcome outcome, OptionalInt exitCode, String message, Duration duration,
                          Map<String, String> details) {

    /** The kinds of ending. */
    public enum Outcome {
        /** The agent finished its work. */
        SUCCEEDED,
        /** The agent exited with a non-zero code, or reported an error itself. */
        FAILED,
        /** The agent overran its timeout and its process tree was stopped. */
        TIMED_OUT,
        /** The agent printed nothing for its idle timeout (hung) and its process tree was stopped. */
        IDLE,
        /** The execution was cancelled and its process tree was stopped. */
        CANCELLED,
        /** The agent could not start, or the caller's side failed (I/O, output delivery). */
        INTERNAL_ERROR
    }

    public AgentResult {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(exitCode, "exitCode");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(duration, "duration");
        details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    public static AgentResult succeeded(String message, Duration duration, Map<String, String> details) {
        return new AgentResult(Outcome.SUCCEEDED, OptionalInt.of(0), message, duration, details);
    }

    /** A failure; {@code exitCode} is null when the agent reported the error with exit code 0 or none. */
    public static AgentResult failed(Integer exitCode, String message, Duration duration, Map<String, String> details) {
        return new AgentResult(Outcome.FAILED, exitCode == null ? OptionalInt.empty() : OptionalInt.of(exitCode),
                message, duration, details);
    }

    public static AgentResult timedOut(String message, Duration duration) {
        return new AgentResult(Outcome.TIMED_OUT, OptionalInt.empty(), message, duration, Map.of());
    }

    public static AgentResult idle(String message, Duration duration) {
        return new AgentResult(Outcome.IDLE, OptionalInt.empty(), message, duration, Map.of());
    }

    public static AgentResult cancelled(String message, Duration duration) {
        return new AgentResult(Outcome.CANCELLED, OptionalInt.empty(), message, duration, Map.of());
    }

    public static AgentResult internalError(String message, Duration duration) {
        return new AgentResult(Outcome.INTERNAL_ERROR, OptionalInt.empty(), message, duration, Map.of());
    }

    /**
     * The result an agent whose work is one process reports for {@code process}: exit 0 is a
     * success, another code a failure quoting the last stderr lines, a timeout, idle stop or cancel the same
     * outcome, and a failure to start or an I/O failure an internal error. {@code startHint} is
     * appended when the program itself was not found or not executable (for example
     * "(set cli-path)"); it may be empty.
     */
    public static AgentResult fromProcess(ProcessResult process, String startHint) {
        String message = process.describe("Agent");
        Duration duration = process.duration();
        return switch (process.outcome()) {
            case EXITED -> process.isSuccess() ? succeeded(message, duration, Map.of())
                    : failed(process.exitCode().orElse(-1), message, duration, Map.of());
            case TIMED_OUT -> timedOut(message, duration);
            case IDLE -> idle(message, duration);
            case CANCELLED -> cancelled(message, duration);
            case FAILED_TO_START -> internalError(startHint.isEmpty() || !programProblem(process) ? message
                    : message + " " + startHint, duration);
            case ERROR -> internalError(message, duration);
        };
    }

    private static boolean programProblem(ProcessResult process) {
        return process.startFailure() == ProcessResult.StartFailure.NOT_FOUND
                || process.startFailure() == ProcessResult.StartFailure.NOT_EXECUTABLE;
    }

    public boolean isSuccess() {
        return outcome == Outcome.SUCCEEDED;
    }

    /** This result with {@code more} added to its details. */
    public AgentResult withDetails(Map<String, String> more) {
        Map<String, String> merged = new LinkedHashMap<>(details);
        merged.putAll(more);
        return new AgentResult(outcome, exitCode, message, duration, merged);
    }
}
