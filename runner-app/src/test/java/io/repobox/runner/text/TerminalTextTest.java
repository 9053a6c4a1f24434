package io.repobox.runner.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TerminalTextTest {

    @Test
    void oscSequencesThatWriteTheClipboardOrTheTitleAreRemoved() {
        assertThat(TerminalText.sanitize("a\033]52;c;ZXZpbA==\007b", true)).isEqualTo("ab");
        assertThat(TerminalText.sanitize("a\033]0;owned\033\\b", true)).isEqualTo("ab");
        assertThat(TerminalText.sanitize("\033]8;;https://evil\033\\link\033]8;;\033\\", true)).isEqualTo("link");
    }

    @Test
    void cursorMovementAndScreenClearingAreRemoved() {
        assertThat(TerminalText.sanitize("ok\033[2J\033[H\033[1A\033[?25lx", true)).isEqualTo("okx");
        assertThat(TerminalText.sanitize("a\033cb\0337c", true)).isEqualTo("abc");
    }

    @Test
    void sgrColoursPassOnlyWhenTheConsoleShowsColours() {
        assertThat(TerminalText.sanitize("\033[1;31mred\033[0m", true)).isEqualTo("\033[1;31mred\033[0m");
        assertThat(TerminalText.sanitize("\033[1;31mred\033[0m", false)).isEqualTo("red");
    }

    @Test
    void otherControlCharactersAreShownAsQuestionMarks() {
        assertThat(TerminalText.sanitize("a\bb\u0007c\u009b2Jd\u202eevil\r", true)).isEqualTo("a?b?c?2Jd?evil");
        assertThat(TerminalText.sanitize("tab\tkept", false)).isEqualTo("tab\tkept");
        String plain = "plain text, ünïcödé — fine";
        assertThat(TerminalText.sanitize(plain, false)).isSameAs(plain);
    }

    @Test
    void coloursOnlyOnATerminalWithoutNoColor() {
        assertThat(TerminalText.colours(Map.of(), true)).isTrue();
        assertThat(TerminalText.colours(Map.of(), false)).isFalse();
        assertThat(TerminalText.colours(Map.of("NO_COLOR", "1"), true)).isFalse();
        assertThat(TerminalText.colours(Map.of("TERM", "dumb"), true)).isFalse();
    }
}
