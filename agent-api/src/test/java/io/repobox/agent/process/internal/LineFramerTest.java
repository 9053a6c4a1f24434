package io.repobox.agent.process.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineFramerTest {

    private final List<String> lines = new ArrayList<>();

    private LineFramer framer(int max) {
        return new LineFramer(max, lines::add);
    }

    private static void feed(LineFramer f, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        f.feed(b, 0, b.length);
    }

    @Test
    void emitsEachLineWhenItsNewlineArrivesNotBefore() {
        LineFramer f = framer(64);
        feed(f, "one\ntw");
        assertThat(lines).containsExactly("one");
        feed(f, "o\n\nthree");
        assertThat(lines).containsExactly("one", "two", "");
        f.finish();
        assertThat(lines).containsExactly("one", "two", "", "three");
    }

    @Test
    void dropsTheCarriageReturnOfCrlf() {
        LineFramer f = framer(64);
        feed(f, "dos\r\nunix\n");
        assertThat(lines).containsExactly("dos", "unix");
    }

    @Test
    void splitsALongLineIntoPiecesOfTheCap() {
        LineFramer f = framer(64);
        feed(f, "a".repeat(150) + "\n");
        assertThat(lines).containsExactly("a".repeat(64), "a".repeat(64), "a".repeat(22));
    }

    @Test
    void aLineOfExactlyTheCapIsOneLine() {
        LineFramer f = framer(64);
        feed(f, "b".repeat(64) + "\nc\n");
        assertThat(lines).containsExactly("b".repeat(64), "c");
    }

    @Test
    void neverCutsAMultiByteCharacter() {
        LineFramer f = framer(64);
        // 63 ASCII bytes, then a 3-byte euro sign that would straddle the cap.
        feed(f, "x".repeat(63) + "€€\n");
        assertThat(lines).containsExactly("x".repeat(63), "€€");
        assertThat(lines).noneMatch(s -> s.contains("\uFFFD"));
    }

    @Test
    void aFourByteCharacterFedByteByByteAcrossTheCapStaysWhole() {
        LineFramer f = framer(64);
        byte[] bytes = ("y".repeat(62) + "😀z\n").getBytes(StandardCharsets.UTF_8);
        for (byte b : bytes) {
            f.feed(new byte[] {b}, 0, 1);
        }
        assertThat(lines).containsExactly("y".repeat(62), "😀z");
    }

    @Test
    void invalidUtf8AndNulBecomeReplacementCharacters() {
        LineFramer f = framer(64);
        byte[] bytes = {'a', (byte) 0xC3, 'b', 0, 'c', (byte) 0xFF, '\n'};
        f.feed(bytes, 0, bytes.length);
        assertThat(lines).containsExactly("a\uFFFDb\uFFFDc\uFFFD");
    }

    @Test
    void binaryGarbageWithoutNewlinesStaysWithinTheCap() {
        LineFramer f = framer(64);
        byte[] garbage = new byte[10_000];
        for (int i = 0; i < garbage.length; i++) {
            garbage[i] = (byte) (i * 31 + 7);
        }
        f.feed(garbage, 0, garbage.length);
        f.finish();
        assertThat(lines).isNotEmpty().allSatisfy(s -> assertThat(s.getBytes(StandardCharsets.UTF_8).length)
                .isLessThanOrEqualTo(64 * 3)); // each invalid byte may widen to a 3-byte U+FFFD
        assertThat(lines).allSatisfy(s -> assertThat(s).doesNotContain("\n", "\0"));
    }
}
