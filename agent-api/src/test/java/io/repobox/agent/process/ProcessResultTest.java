package io.repobox.agent.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.repobox.agent.process.ProcessResult.Outcome;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ProcessResultTest {

    private static ProcessResult exited(int code, List<String> tail) {
        return new ProcessResult(Outcome.EXITED, OptionalInt.of(code), Duration.ofSeconds(1), null, 0, tail, null, null);
    }

    @Test
    void describesEachOutcome() {
        assertThat(exited(0, List.of()).describe("Agent")).isEqualTo("Agent finished");
        assertThat(exited(2, List.of()).describe("pre-run hook for environment 'php'"))
                .isEqualTo("pre-run hook for environment 'php' exited with code 2");
        assertThat(exited(137, List.of()).describe("Agent")).isEqualTo("Agent exited with code 137 (killed by SIGKILL, perhaps for lack of memory)");
        assertThat(new ProcessResult(Outcome.TIMED_OUT, OptionalInt.of(143), Duration.ofMinutes(31), Duration.ofMinutes(30), 4,
                List.of(), null, null).describe("Agent")).isEqualTo("Agent timed out after 30m; stopped 4 processes");
        assertThat(new ProcessResult(Outcome.CANCELLED, OptionalInt.of(143), Duration.ofSeconds(1), null, 1, List.of(), null, null)
                .describe("Agent")).isEqualTo("Agent was cancelled; stopped 1 process");
    }

    @Test
    void quotesTheLastThreeNonBlankStderrLines() {
        assertThat(exited(1, List.of("a", "b", "", "c", "d ", "  ")).describe("Agent")).isEqualTo("Agent exited with code 1: b · c · d");
        assertThat(exited(1, List.of("a", "b", "", "", "", "", "c")).describe("Agent")).isEqualTo("Agent exited with code 1: a · b · c");
    }

    @Test
    void boundsAVeryLongTail() {
        String message = exited(1, List.of("x".repeat(5000))).describe("Agent");
        assertThat(message).startsWith("Agent exited with code 1: …").hasSizeLessThan(700);
    }
}
