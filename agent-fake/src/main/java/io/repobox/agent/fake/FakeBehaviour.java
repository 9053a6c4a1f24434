package io.repobox.agent.fake;

import io.repobox.agent.AgentConfig;
import io.repobox.agent.AgentConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What one fake run does, from the provider configuration, the request options and directives
 * in the prompt (a line {@code @fake lines=100 exit-code=2}), later ones winning. Directives let
 * a user script a dry run from the web app, where only the prompt can be typed.
 */
record FakeBehaviour(int lines, int stderrLines, int lineBytes, long unterminatedBytes, boolean garbage, boolean spawn,
                     Duration sleep, int exitCode, String error, boolean write, String file) {

    static final String DEFAULT_FILE = "REPOBOX_DRY_RUN.md";
    static final String DIRECTIVE = "@fake";

    static final Set<String> KEYS = Set.of("lines", "stderr-lines", "line-bytes", "unterminated-bytes", "garbage", "spawn",
            "sleep", "exit-code", "error", "write", "file");

    static FakeBehaviour resolve(AgentConfig options, String prompt) {
        Map<String, String> merged = new LinkedHashMap<>();
        options.asMap().forEach((k, v) -> {
            if (KEYS.contains(k)) {
                merged.put(k, v);
            }
        });
        merged.putAll(directives(prompt));
        AgentConfig c = AgentConfig.of(merged);
        FakeBehaviour b = new FakeBehaviour(nonNegative(c, "lines", 3), nonNegative(c, "stderr-lines", 0),
                nonNegative(c, "line-bytes", 0), nonNegative(c, "unterminated-bytes", 0), c.getBoolean("garbage", false),
                c.getBoolean("spawn", false), c.getDuration("sleep", Duration.ZERO), c.getInt("exit-code", 0),
                c.getString("error", ""), c.getBoolean("write", true), c.getString("file", DEFAULT_FILE));
        if (b.exitCode < 0 || b.exitCode > 255) {
            throw new AgentConfigException("fake agent option 'exit-code' must be between 0 and 255, got " + b.exitCode);
        }
        Path file = Path.of(b.file).normalize();
        if (file.isAbsolute() || file.startsWith("..") || b.file.isBlank()) {
            throw new AgentConfigException("fake agent option 'file' must be a path inside the repository, got '" + b.file + "'");
        }
        return b;
    }

    private static int nonNegative(AgentConfig c, String key, int defaultValue) {
        int v = c.getInt(key, defaultValue);
        if (v < 0) {
            throw new AgentConfigException("fake agent option '" + key + "' must not be negative, got " + v);
        }
        return v;
    }

    /** The {@code key=value} pairs of every prompt line that starts with {@code @fake}. */
    static Map<String, String> directives(String prompt) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : prompt.split("\n")) {
            String trimmed = line.strip();
            if (!trimmed.toLowerCase(Locale.ROOT).startsWith(DIRECTIVE + " ")) {
                continue;
            }
            for (String pair : trimmed.substring(DIRECTIVE.length()).trim().split("\\s+")) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new AgentConfigException("fake agent directive '" + pair + "' must be key=value, e.g. '@fake lines=100'");
                }
                String key = pair.substring(0, eq);
                if (!KEYS.contains(key)) {
                    throw new AgentConfigException("fake agent directive '" + key + "' is unknown; known: " + String.join(", ",
                            KEYS.stream().sorted().toList()));
                }
                out.put(key, pair.substring(eq + 1).replace('+', ' '));
            }
        }
        return out;
    }

    /** Padding that brings a progress line to about {@link #lineBytes} bytes. */
    String padding() {
        int base = ("[fake] line " + lines + " of " + lines).length();
        return lineBytes > base ? " " + "x".repeat(lineBytes - base - 1) : "";
    }
}
