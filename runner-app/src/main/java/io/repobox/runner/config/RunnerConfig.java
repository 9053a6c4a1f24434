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
            Map.entry("base-url", "AI_BASE_URL"),
            Map.entry("output-format", "AI_OUTPUT_FORMAT"),
            Map.entry("permission-mode", "AI_PERMISSION_MODE"),
            Map.entry("allowed-tools", "AI_ALLOWED_TOOLS"),
            Map.entry("disallowed-tools", "AI_DISALLOWED_TOOLS"),
            Map.entry("max-turns", "AI_MAX_TURNS"),
            Map.entry("max-cost-usd", "AI_MAX_COST_USD"),
            Map.entry("append-system-prompt", "AI_APPEND_SYSTEM_PROMPT"),
            Map.entry("extra-args", "AI_EXTRA_ARGS"),
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

    /**
     * AI_IDLE_TIMEOUT (default 600 s): how long the agent or the pre-run hook may print nothing before
     * it is stopped as hung; null when set to 0 or off (no limit).
     */
    public Duration aiIdleTimeout() {
        String v = string("AI_IDLE_TIMEOUT", null);
        if (v != null && (v.equals("0") || v.equalsIgnoreCase("off"))) {
            return null;
        }
        return duration("AI_IDLE_TIMEOUT", Duration.ofSeconds(600));
    }

    /** JOB_TIMEOUT (default 3600 s): how long a whole job may run. */
    public Duration jobTimeout() {
        return duration("JOB_TIMEOUT", Duration.ofSeconds(3600));
    }

    /** REDIS_URL, or null when unset (run then starts an embedded Redis). */
    public String redisUrl() {
        return string("REDIS_URL", null);
    }

    /** RUNNER_ID (default runner-&lt;host&gt;): this runner's consumer name. */
    public String runnerId() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            host = "unknown";
        }
        String id = string("RUNNER_ID", "runner-" + host);
        if (!id.matches("[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}")) {
            throw new ConfigurationException("RUNNER_ID must be letters, digits, '.', '_', ':' or '-', got '" + id + "'");
        }
        return id;
    }

    /** TEMP_DIR (default: the system temp directory + /repobox): where job workspaces are made. */
    public java.nio.file.Path tempDir() {
        return java.nio.file.Path.of(string("TEMP_DIR", java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "repobox").toString()));
    }

    public boolean cleanupAfterJob() {
        return bool("CLEANUP_AFTER_JOB", true);
    }

    public int maxConcurrentJobs() {
        return positiveInt("MAX_CONCURRENT_JOBS", 10);
    }

    public int maxJobsPerUser() {
        return positiveInt("MAX_JOBS_PER_USER", 3);
    }

    public String encryptionKey() {
        return string("ENCRYPTION_KEY", null);
    }

    /** ALLOW_LOCAL_REPOS, with the command's default (false for serve, true for run). */
    public boolean allowLocalRepos(boolean commandDefault) {
        return bool("ALLOW_LOCAL_REPOS", commandDefault);
    }

    public Duration outputTtl() {
        return duration("OUTPUT_TTL", Duration.ofSeconds(86_400));
    }

    public int maxOutputLines() {
        return positiveInt("AI_MAX_OUTPUT_LINES", 10_000);
    }

    public Duration outputOutageTimeout() {
        return duration("OUTPUT_OUTAGE_TIMEOUT", Duration.ofSeconds(60));
    }

    /** ENVIRONMENTS_FILE, or null. */
    public java.nio.file.Path environmentsFile() {
        String f = string("ENVIRONMENTS_FILE", null);
        return f == null ? null : java.nio.file.Path.of(f);
    }

    /** AI_GRACE_PERIOD (default 10 s): SIGTERM to SIGKILL when a process tree is stopped. */
    public Duration gracePeriod() {
        return duration("AI_GRACE_PERIOD", Duration.ofSeconds(10));
    }

    /** SHUTDOWN_GRACE (default 30 s): how long serve lets running jobs finish after SIGTERM before cancelling them. */
    public Duration shutdownGrace() {
        return duration("SHUTDOWN_GRACE", Duration.ofSeconds(30));
    }

    /** RECLAIM_IDLE (default 30 s): a queue entry idle this long belongs to a runner that stopped. */
    public Duration reclaimIdle() {
        return duration("RECLAIM_IDLE", Duration.ofSeconds(30));
    }

    private int positiveInt(String name, int defaultValue) {
        String v = string(name, null);
        if (v == null) {
            return defaultValue;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ConfigurationException(name + " must be a whole number of at least 1, got '" + v + "'");
        }
    }

    /** The selected provider's configuration, mapped from the AI_* variables and its credentials. */
    public AgentConfig agentConfig() {
        return agentConfig(agentName());
    }

    /** {@code provider}'s configuration: the AI_* variables and that provider's credentials only. */
    public AgentConfig agentConfig(String provider) {
        Map<String, String> values = new LinkedHashMap<>(AgentCredentials.forProvider(provider, env));
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
        List<String> names = new ArrayList<>(AgentCredentials.SECRET_VARIABLES);
        names.addAll(List.of("ENCRYPTION_KEY", "REDIS_PASSWORD"));
        for (String name : names) {
            String v = env.get(name);
            if (v != null && !v.isBlank()) {
                out.add(v);
            }
        }
        String url = env.get("REDIS_URL");
        if (url != null) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("://(?:[^:@/]*:)?([^@/]+)@").matcher(url);
            if (m.find()) {
                out.add(m.group(1)); // the password inside REDIS_URL
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
