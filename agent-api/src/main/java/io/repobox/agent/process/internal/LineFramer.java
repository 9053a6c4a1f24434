package io.repobox.agent.process.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Turns a byte stream into lines as the bytes arrive, with a hard cap on memory.
 *
 * <p>A line ends at {@code \n}; a {@code \r} before it is dropped. A line longer than the cap is
 * emitted in pieces of at most {@code maxLineBytes} bytes, cut before a UTF-8 sequence rather than
 * inside one. Bytes are decoded as UTF-8 with malformed input replaced by U+FFFD, and NUL
 * characters are replaced by U+FFFD too, so every emitted string is valid UTF-8 that any consumer
 * can carry. The only buffer grows with the longest line seen, up to {@code maxLineBytes}, so a
 * large cap costs memory only when lines are that long. Not thread-safe: one framer per stream.
 */
public final class LineFramer {

    private static final char REPLACEMENT = '\uFFFD';

    private static final int INITIAL_BYTES = 8 * 1024;

    private final int maxLineBytes;
    private final Consumer<String> lines;
    private byte[] buffer;
    private int length;

    public LineFramer(int maxLineBytes, Consumer<String> lines) {
        this.maxLineBytes = maxLineBytes;
        this.buffer = new byte[Math.min(INITIAL_BYTES, maxLineBytes)];
        this.lines = lines;
    }

    /** Consumes {@code n} bytes of {@code data} from {@code offset}, emitting every completed line. */
    public void feed(byte[] data, int offset, int n) {
        int end = offset + n;
        int pos = offset;
        while (pos < end) {
            int newline = indexOfNewline(data, pos, end);
            int segmentEnd = newline < 0 ? end : newline;
            append(data, pos, segmentEnd - pos);
            if (newline < 0) {
                return;
            }
            emitLine();
            pos = newline + 1;
        }
    }

    /** Emits what is left as a last line, if anything (output that did not end with a newline). */
    public void finish() {
        if (length > 0) {
            emitLine();
        }
    }

    private void append(byte[] data, int offset, int n) {
        while (n > 0) {
            if (length == buffer.length) {
                if (buffer.length < maxLineBytes) {
                    buffer = Arrays.copyOf(buffer, (int) Math.min(maxLineBytes, buffer.length * 2L));
                } else {
                    emitPiece();
                }
            }
            int k = Math.min(n, buffer.length - length);
            System.arraycopy(data, offset, buffer, length, k);
            length += k;
            offset += k;
            n -= k;
        }
    }

    /** The buffer is full and the line goes on: emit what can be emitted without cutting a character. */
    private void emitPiece() {
        int cut = safeCut();
        lines.accept(decode(buffer, cut));
        System.arraycopy(buffer, cut, buffer, 0, length - cut);
        length -= cut;
    }

    /** The end of the buffer, moved back before a UTF-8 sequence that is not complete yet. */
    private int safeCut() {
        int i = length - 1;
        int continuation = 0;
        while (i > 0 && continuation < 3 && (buffer[i] & 0xC0) == 0x80) {
            i--;
            continuation++;
        }
        int lead = buffer[i] & 0xFF;
        int needed = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        return needed > 1 && needed > length - i && i > 0 ? i : length;
    }

    private void emitLine() {
        int n = length;
        if (n > 0 && buffer[n - 1] == '\r') {
            n--;
        }
        length = 0;
        lines.accept(decode(buffer, n));
    }

    private static String decode(byte[] bytes, int n) {
        String s = new String(bytes, 0, n, StandardCharsets.UTF_8);
        return s.indexOf('\0') >= 0 ? s.replace('\0', REPLACEMENT) : s;
    }

    private static int indexOfNewline(byte[] data, int from, int to) {
        for (int i = from; i < to; i++) {
            if (data[i] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
