package io.repobox.runner.config;

import io.repobox.agent.output.Durations;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The raw values behind a {@link RunnerConfig}: the environment with the {@code _FILE} forms read and
 * the flags applied, and the list of problems found while reading them. Each typed getter records a
 * problem instead of throwing, so that {@link #throwIfProblems()} reports them all at once, each
 * naming where the value came from (the variable, its file or the flag).
 */
public final class Settings {

    /** Variables that hold secrets: each has a {@code _FILE} form and none may be given as a flag. */
    public static final Set<String> SECRETS = Set.of("ENCRYPTION_KEY", "REDIS_URL", "REDIS_PASSWORD", "ANTHROPIC_API_KEY",
            "ANTHROPIC_AUTH_TOKEN", "OPENAI_API_KEY", "CODEX_API_KEY", "GEMINI_API_KEY");

    /**
     * Every variable of the configuration reference. {@code --set} accepts these names and no others,
     * so a typo is an error rather than a setting silently ignored. A new variable is added here.
     */
    public static final Set<String> KNOWN = Set.of("REDIS_URL", "REDIS_PASSWORD", "RUNNER_ID", "TEMP_DIR", "CLEANUP_AFTER_JOB",
            "JOB_TIMEOUT", "ENCRYPTION_KEY", "MAX_CONCURRENT_JOBS", "MAX_JOBS_PER_USER", "AI_ENABLED", "AI_PROVIDER", "AI_CLI_PATH",
            "ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "OPENAI_API_KEY", "CODEX_API_KEY", "GEMINI_API_KEY", "AI_TIMEOUT",
            "AI_IDLE_TIMEOUT", "AI_MAX_OUTPUT_LINES", "AI_MODEL", "AI_BASE_URL", "AI_OUTPUT_FORMAT", "AI_PERMISSION_MODE",
            "AI_ALLOWED_TOOLS", "AI_DISALLOWED_TOOLS", "AI_MAX_TURNS", "AI_APPEND_SYSTEM_PROMPT", "AI_EXTRA_ARGS", "AI_GRACE_PERIOD",
            "AI_MAX_LINE_BYTES", "AI_MAX_COST_USD", "OUTPUT_TTL", "OUTPUT_OUTAGE_TIMEOUT", "ENVIRONMENTS_FILE", "ALLOW_LOCAL_REPOS", "SHUTDOWN_GRACE",
            "RECLAIM_IDLE", "LOG_FORMAT", "LOG_LEVEL", "SANDBOX", "SANDBOX_NETWORK", "SANDBOX_ALLOWED_HOSTS", "SANDBOX_MAX_PROCESSES",
            "SANDBOX_MAX_MEMORY", "SANDBOX_MAX_WORKSPACE", "SANDBOX_BWRAP_PATH", "HTTP_ADDRESS");

    /** A value given on the command line: the flag as typed (for messages) and the value. */
    public record Flag(String flag, String value) {
    }

    private final Map<String, String> values;
    private final Map<String, String> origins;
    private final List<String> problems = new ArrayList<>();

    private Settings(Map<String, String> values, Map<String, String> origins) {
        this.values = values;
        this.origins = origins;
    }

    static Settings parse(Map<String, String> env, Map<String, Flag> flags) {
        Map<String, String> values = new HashMap<>(env);
        Map<String, String> origins = new HashMap<>();
        Settings s = new Settings(values, origins);
        for (String name : SECRETS) {
            s.readFile(name, env);
        }
        flags.forEach((name, flag) -> {
            if (flag.value() == null) {
                return;
            }
            if (!KNOWN.contains(name)) {
                s.problems.add(flag.flag() + ": no setting is named " + name + " (see docs/configuration.md for the names)");
                return;
            }
            if (SECRETS.contains(name) && !(name.equals("REDIS_URL") && RedisUrls.password(flag.value()) == null)) {
                s.problems.add(flag.flag() + ": a secret on the command line is visible to every local user in the process list; "
                        + "set " + name + " or " + name + "_FILE (a file holding the value) instead");
                return;
            }
            values.put(name, flag.value());
            origins.put(name, flag.flag());
        });
        return s;
    }

    /** {@code NAME_FILE}: the value is the content of that file (Docker and Kubernetes secrets), one trailing newline dropped. */
    private void readFile(String name, Map<String, String> env) {
        String file = env.get(name + "_FILE");
        if (file == null || file.isBlank()) {
            return;
        }
        String direct = env.get(name);
        if (direct != null && !direct.isBlank()) {
            problems.add(name + " and " + name + "_FILE are both set; set only one");
            return;
        }
        try {
            String content = Files.readString(Path.of(file.trim()), StandardCharsets.UTF_8);
            content = content.endsWith("\r\n") ? content.substring(0, content.length() - 2)
                    : content.endsWith("\n") ? content.substring(0, content.length() - 1) : content;
            if (content.isBlank()) {
                problems.add(name + "_FILE: the file " + file.trim() + " is empty");
                return;
            }
            values.put(name, content);
            origins.put(name, name + "_FILE (" + file.trim() + ")");
        } catch (IOException | InvalidPathException e) {
            problems.add(name + "_FILE: cannot read " + file.trim() + " (" + e.getClass().getSimpleName().replace("Exception", "")
                    + (e.getMessage() == null || e.getMessage().equals(file.trim()) ? "" : ": " + e.getMessage()) + ")");
        }
    }

    Map<String, String> values() {
        return Map.copyOf(values);
    }

    /** Where {@code name}'s value came from, for messages: the flag, the file variable or the variable itself. */
    String origin(String name) {
        return origins.getOrDefault(name, name);
    }

    void problem(String message) {
        problems.add(message);
    }

    String string(String name, String defaultValue) {
        String v = values.get(name);
        return v == null || v.isBlank() ? defaultValue : v.trim();
    }

    boolean bool(String name, boolean defaultValue) {
        String v = string(name, null);
        if (v == null) {
            return defaultValue;
        }
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off" -> false;
            default -> {
                problems.add(origin(name) + " must be true or false, got '" + v + "'");
                yield defaultValue;
            }
        };
    }

    int positiveInt(String name, int defaultValue) {
        String v = string(name, null);
        if (v == null) {
            return defaultValue;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(origin(name) + " must be a whole number of at least 1, got '" + v + "'");
        return defaultValue;
    }

    Duration duration(String name, Duration defaultValue) {
        String v = string(name, null);
        if (v == null) {
            return defaultValue;
        }
        try {
            Duration d = Durations.parse(v);
            if (!d.isZero()) {
                return d;
            }
            problems.add(origin(name) + " must be longer than zero, got '" + v + "'");
        } catch (IllegalArgumentException e) {
            problems.add(origin(name) + ": " + e.getMessage());
        }
        return defaultValue;
    }

    Path path(String name, Path defaultValue) {
        String v = string(name, null);
        if (v == null) {
            return defaultValue;
        }
        try {
            return Path.of(v);
        } catch (InvalidPathException e) {
            problems.add(origin(name) + " is not a usable path: " + e.getMessage());
            return defaultValue;
        }
    }

    String matching(String name, String defaultValue, String regex, String what) {
        String v = string(name, defaultValue);
        if (!v.matches(regex)) {
            problems.add(origin(name) + " must be " + what + ", got '" + v + "'");
        }
        return v;
    }

    void throwIfProblems() {
        if (problems.size() == 1) {
            throw new ConfigurationException(problems.get(0));
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems.size() + " settings need fixing:\n  - " + String.join("\n  - ", problems));
        }
    }
}
