package io.repobox.runner.config;

import io.repobox.agent.AgentConfig;
import io.repobox.agent.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The runner's settings, read from environment variables (names fixed by the contract). This is
 * the one place where variables are read and mapped onto provider configuration; providers never
 * read the environment themselves. Command-line flags override these values where a command
 * offers them. Immutable.
 */
public final class RunnerConfig {

    /** How each provider configuration key is fed from the environment. */
    private static final Map<String, String> AGENT_KEYS = Map.ofEntries(
            Map.entry("cli-path", "AI_CLI_PATH"),
            Map.entry("model", "AI_MODEL"),
            Map.entry("output-format", "AI_OUTPUT_FORMAT"),
            Map.entry("permission-mode", "AI_PERMISSION_MODE"),
            Map.entry("allowed-tools", "AI_ALLOWED_TOOLS"),
            Map.entry("disallowed-tools", "AI_DISALLOWED_TOOLS"),
            Map.entry("max-turns", "AI_MAX_TURNS"),
            Map.entry("append-system-prompt", "AI_APPEND_SYSTEM_PROMPT"),
            Map.entry("extra-args", "AI_EXTRA_ARGS"),
            Map.entry("api-key", "ANTHROPIC_API_KEY"),
            Map.entry("auth-token", "ANTHROPIC_AUTH_TOKEN"),
            Map.entry("grace-period", "AI_GRACE_PERIOD"),
            Map.entry("max-line-bytes", "AI_MAX_LINE_BYTES"));

    private final Map<String, String> env;

    private RunnerConfig(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    public static RunnerConfig fromEnvironment() {
        return new RunnerConfig(System.getenv());
    }

    public static RunnerConfig of(Map<String, String> env) {
        return new RunnerConfig(env);
    }

    /** AI_ENABLED (default true): false selects the fake agent. */
    public boolean aiEnabled() {
        return bool("AI_ENABLED", true);
    }

    /** The provider to use: AI_PROVIDER (default claude), or fake when AI_ENABLED is false. */
    public String agentName() {
        return aiEnabled() ? string("AI_PROVIDER", "claude") : "fake";
    }

    /** AI_TIMEOUT (default 1800 s): how long the agent step may run. */
    public Duration aiTimeout() {
        return duration("AI_TIMEOUT", Duration.ofSeconds(1800));
    }

    /** JOB_TIMEOUT (default 3600 s): how long a whole job may run. */
    public Duration jobTimeout() {
        return duration("JOB_TIMEOUT", Duration.ofSeconds(3600));
    }

    /** The provider configuration, mapped from the AI_* variables and the Anthropic credentials. */
    public AgentConfig agentConfig() {
        Map<String, String> values = new LinkedHashMap<>();
        AGENT_KEYS.forEach((key, variable) -> {
            String v = env.get(variable);
            if (v != null && !v.isBlank()) {
                values.put(key, v);
            }
        });
        return AgentConfig.of(values);
    }

    /** Values that must never be printed: masked in every line and message. */
    public List<String> secrets() {
        List<String> out = new ArrayList<>();
        for (String name : List.of("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "ENCRYPTION_KEY", "REDIS_PASSWORD")) {
            String v = env.get(name);
            if (v != null && !v.isBlank()) {
                out.add(v);
            }
        }
        return out;
    }

    public String string(String name, String defaultValue) {
        String v = env.get(name);
        return v == null || v.isBlank() ? defaultValue : v.trim();
    }

    public boolean bool(String name, boolean defaultValue) {
        String v = string(name, null);
        if (v == null) {
            return defaultValue;
        }
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off" -> false;
            default -> throw new ConfigurationException(name + " must be true or false, got '" + v + "'");
        };
    }

    public Duration duration(String name, Duration defaultValue) {
        String v = string(name, null);
        if (v == null) {
            return defaultValue;
        }
        try {
            Duration d = Durations.parse(v);
            if (d.isZero()) {
                throw new ConfigurationException(name + " must be longer than zero, got '" + v + "'");
            }
            return d;
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(name + ": " + e.getMessage());
        }
    }
}
