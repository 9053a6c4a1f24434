package io.repobox.runner.text;

import java.util.Map;

/**
 * What the console prints of text it did not write (agent and hook lines, error messages, record
 * fields): terminal control sequences are neutralised, so a line cannot write the clipboard or the
 * window title (OSC), move the cursor, erase the screen, or hide text. Only SGR colour sequences may
 * pass, and only when the console shows colours. The stored output keeps the lines as printed; a
 * job's {@code error_message}, which may quote the agent's or the hook's stderr, is sanitised too.
 */
public final class TerminalText {

    private static final char ESC = 0x1b;

    private TerminalText() {
    }

    /** {@code text} with every control sequence removed, and other control characters shown as '?'; SGR kept if asked. */
    public static String sanitize(String text, boolean keepSgr) {
        StringBuilder b = null;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c < 0x7f || c == '\t' || (c > 0x9f && !isBidiControl(c))) {
                if (b != null) {
                    b.append(c);
                }
                continue;
            }
            if (b == null) {
                b = new StringBuilder(n).append(text, 0, i);
            }
            if (c == ESC) {
                i = skipEscape(text, i, keepSgr ? b : null);
            } else if (c != '\r') {
                b.append('?'); // C0, DEL, C1 (0x9b is a one-byte CSI on some terminals) and bidi overrides
            }
        }
        return b == null ? text : b.toString();
    }

    /** Skips the escape sequence at {@code start}; an SGR one is appended to {@code sgr} when not null. Returns its last index. */
    private static int skipEscape(String s, int start, StringBuilder sgr) {
        int n = s.length();
        if (start + 1 >= n) {
            return start;
        }
        char kind = s.charAt(start + 1);
        if (kind == '[') {
            int i = start + 2;
            while (i < n && s.charAt(i) >= 0x30 && s.charAt(i) <= 0x3f) {
                i++;
            }
            int paramsEnd = i;
            while (i < n && s.charAt(i) >= 0x20 && s.charAt(i) <= 0x2f) {
                i++;
            }
            if (i >= n) {
                return n - 1;
            }
            if (sgr != null && s.charAt(i) == 'm' && paramsEnd == i && s.substring(start + 2, i).matches("[0-9;]*")) {
                sgr.append(s, start, i + 1);
            }
            return i;
        }
        if (kind == ']' || kind == 'P' || kind == '_' || kind == '^' || kind == 'X') {
            // A string sequence (OSC, DCS, APC, PM, SOS) ends with BEL or ESC \ .
            for (int i = start + 2; i < n; i++) {
                char c = s.charAt(i);
                if (c == 0x07) {
                    return i;
                }
                if (c == ESC && i + 1 < n && s.charAt(i + 1) == '\\') {
                    return i + 1;
                }
            }
            return n - 1;
        }
        return start + 1; // a two-character sequence such as ESC c (reset) or ESC 7
    }

    private static boolean isBidiControl(char c) {
        return c >= 0x202a && c <= 0x202e || c >= 0x2066 && c <= 0x2069;
    }

    /** Whether the console may use colour: a terminal, NO_COLOR unset (any value turns colour off), TERM not dumb. */
    public static boolean colours(Map<String, String> environment, boolean terminal) {
        String noColor = environment.get("NO_COLOR");
        return terminal && (noColor == null || noColor.isEmpty()) && !"dumb".equals(environment.get("TERM"));
    }
}
