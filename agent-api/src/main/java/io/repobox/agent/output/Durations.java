package io.repobox.agent.output;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and prints durations the way people write them: {@code 90} (seconds, as the
 * environment variables of the contract use them), {@code 1500ms}, {@code 30s}, {@code 10m},
 * {@code 2h}, {@code 1h30m}, or ISO-8601 ({@code PT30S}).
 */
public final class Durations {

    private static final Pattern PART = Pattern.compile("(\\d+)(ms|h|m|s)");
    private static final Pattern COMPOUND = Pattern.compile("(?:\\d+(?:ms|h|m|s))+");

    private Durations() {
    }

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException with a message that quotes the text and the accepted forms
     */
    public static Duration parse(String text) {
        String s = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (s.matches("\\d+")) {
            return Duration.ofSeconds(Long.parseLong(s));
        }
        if (s.startsWith("pt") || s.startsWith("p")) {
            try {
                return Duration.parse(s.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw invalid(text);
            }
        }
        if (!COMPOUND.matcher(s).matches()) {
            throw invalid(text);
        }
        Duration total = Duration.ZERO;
        Matcher m = PART.matcher(s);
        while (m.find()) {
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            });
        }
        return total;
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("'" + text + "' is not a duration; write seconds (90) or a value "
                + "with a unit (1500ms, 30s, 10m, 2h, 1h30m)");
    }

    /**
     * Prints {@code d} for a person: {@code 250ms}, {@code 2.5s}, {@code 45s}, {@code 30m},
     * {@code 1h 5m}, {@code 2m 3s}.
     */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + "ms";
        }
        if (ms < 10_000 && ms % 1000 != 0) {
            return String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
        }
        long seconds = Math.round(ms / 1000.0);
        long h = seconds / 3600;
        long m = (seconds % 3600) / 60;
        long s = seconds % 60;
        StringBuilder out = new StringBuilder();
        if (h > 0) {
            out.append(h).append('h');
        }
        if (m > 0) {
            out.append(out.length() > 0 ? " " : "").append(m).append('m');
        }
        if (s > 0 || out.length() == 0) {
            out.append(out.length() > 0 ? " " : "").append(s).append('s');
        }
        return out.toString();
    }
}
