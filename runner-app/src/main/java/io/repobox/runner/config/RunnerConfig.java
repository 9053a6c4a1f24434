package io.repobox.runner.config;

import io.repobox.agent.AgentConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The runner's settings, parsed once from the environment variables (names fixed by the contract)
 * and the command-line flags that override them. Every value is checked when the configuration is
 * built, and every problem is reported at once ({@link ConfigurationException} lists them all), so
 * a person fixes their settings in one go and no command finds a bad value half-way through. This is
 * the one place where variables are read and mapped onto provider configuration; providers never
 * read the environment themselves. Immutable.
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

    /** The contract's default Redis. */
    public static final String DEFAULT_REDIS_URL = "redis://localhost:6379";

    private final Map<String, String> env;
    private final boolean aiEnabled;
    private final String agentName;
    private final Duration aiTimeout;
    private final Duration aiIdleTimeout;
    private final Duration jobTimeout;
    private final String redisUrl;
    private final String redisPassword;
    private final String runnerId;
    private final Path tempDir;
    private final boolean cleanupAfterJob;
    private final int maxConcurrentJobs;
    private final int maxJobsPerUser;
    private final String encryptionKey;
    private final Boolean allowLocalRepos;
    private final Duration outputTtl;
    private final int maxOutputLines;
    private final Duration outputOutageTimeout;
    private final Path environmentsFile;
    private final Duration gracePeriod;
    private final Duration shutdownGrace;
    private final Duration reclaimIdle;
    private final AgentConfig agentConfig;
    private final List<String> secrets;

    private RunnerConfig(Settings s) {
        this.env = s.values();
        aiEnabled = s.bool("AI_ENABLED", true);
        agentName = aiEnabled ? s.string("AI_PROVIDER", "claude") : "fake";
        aiTimeout = s.duration("AI_TIMEOUT", Duration.ofMinutes(30));
        String idle = s.string("AI_IDLE_TIMEOUT", null);
        aiIdleTimeout = idle != null && (idle.equals("0") || idle.equalsIgnoreCase("off")) ? null
                : s.duration("AI_IDLE_TIMEOUT", Duration.ofMinutes(10));
        jobTimeout = s.duration("JOB_TIMEOUT", Duration.ofHours(1));
        redisUrl = RedisUrls.effective(s);
        redisPassword = s.string("REDIS_PASSWORD", null);
        runnerId = s.matching("RUNNER_ID", Hosts.defaultRunnerId(), "[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}",
                "letters, digits, '.', '_', ':' or '-'");
        tempDir = s.path("TEMP_DIR", Path.of(System.getProperty("java.io.tmpdir"), "repobox"));
        cleanupAfterJob = s.bool("CLEANUP_AFTER_JOB", true);
        maxConcurrentJobs = s.positiveInt("MAX_CONCURRENT_JOBS", 10);
        maxJobsPerUser = s.positiveInt("MAX_JOBS_PER_USER", 3);
        encryptionKey = s.string("ENCRYPTION_KEY", null);
        allowLocalRepos = s.string("ALLOW_LOCAL_REPOS", null) == null ? null : s.bool("ALLOW_LOCAL_REPOS", false);
        outputTtl = s.duration("OUTPUT_TTL", Duration.ofDays(1));
        maxOutputLines = s.positiveInt("AI_MAX_OUTPUT_LINES", 10_000);
        outputOutageTimeout = s.duration("OUTPUT_OUTAGE_TIMEOUT", Duration.ofSeconds(60));
        environmentsFile = s.path("ENVIRONMENTS_FILE", null);
        gracePeriod = s.duration("AI_GRACE_PERIOD", Duration.ofSeconds(10));
        shutdownGrace = s.duration("SHUTDOWN_GRACE", Duration.ofSeconds(30));
        reclaimIdle = s.duration("RECLAIM_IDLE", Duration.ofSeconds(30));
        agentConfig = agentConfig(agentName);
        secrets = secretValues(env, redisUrl);
        s.throwIfProblems();
    }

    /** The settings from {@code env} alone (tests, embedders). */
    public static RunnerConfig of(Map<String, String> env) {
        return of(env, Map.of());
    }

    /**
     * The settings from {@code env} with {@code flags} applied over it (variable name → the flag and
     * its value). A flag that would put a secret on the command line is refused.
     *
     * @throws ConfigurationException naming every malformed setting at once
     */
    public static RunnerConfig of(Map<String, String> env, Map<String, Settings.Flag> flags) {
        return new RunnerConfig(Settings.parse(env, flags));
    }

    public static RunnerConfig fromEnvironment() {
        return of(System.getenv());
    }

    /** AI_ENABLED (default true): false selects the fake agent. */
    public boolean aiEnabled() {
        return aiEnabled;
    }

    /** The provider to use: AI_PROVIDER (default claude), or fake when AI_ENABLED is false. */
    public String agentName() {
        return agentName;
    }

    /** AI_TIMEOUT (default 1800 s): how long the agent step may run. */
    public Duration aiTimeout() {
        return aiTimeout;
    }

    /**
     * AI_IDLE_TIMEOUT (default 600 s): how long the agent or the pre-run hook may print nothing before
     * it is stopped as hung; null when set to 0 or off (no limit).
     */
    public Duration aiIdleTimeout() {
        return aiIdleTimeout;
    }

    /** HTTP_ADDRESS ({@code host:port}), or null (the default): where serve answers /healthz, /readyz and /metrics. */
    public String httpAddress() {
        return string("HTTP_ADDRESS", null);
    }

    /** JOB_TIMEOUT (default 3600 s): how long a whole job may run. */
    public Duration jobTimeout() {
        return jobTimeout;
    }

    /** REDIS_URL (or REDIS_URL_FILE) with REDIS_PASSWORD applied, or null when unset (run then starts an embedded Redis). */
    public String redisUrl() {
        return redisUrl;
    }

    /** The Redis URL for commands that need one: REDIS_URL, else redis://localhost:6379, with REDIS_PASSWORD applied. */
    public String redisUrlOrDefault() {
        return redisUrl != null ? redisUrl : RedisUrls.withPassword(DEFAULT_REDIS_URL, redisPassword);
    }

    /** RUNNER_ID (default runner-&lt;host&gt;): this runner's consumer name. */
    public String runnerId() {
        return runnerId;
    }

    /** The default RUNNER_ID: runner-&lt;host&gt;. */
    public static String defaultRunnerId() {
        return Hosts.defaultRunnerId();
    }

    /** TEMP_DIR (default: the system temp directory + /repobox): where job workspaces are made. */
    public Path tempDir() {
        return tempDir;
    }

    public boolean cleanupAfterJob() {
        return cleanupAfterJob;
    }

    public int maxConcurrentJobs() {
        return maxConcurrentJobs;
    }

    public int maxJobsPerUser() {
        return maxJobsPerUser;
    }

    /** ENCRYPTION_KEY (or the content of ENCRYPTION_KEY_FILE), or null. */
    public String encryptionKey() {
        return encryptionKey;
    }

    /** ALLOW_LOCAL_REPOS, with the command's default (false for serve, true for run). */
    public boolean allowLocalRepos(boolean commandDefault) {
        return allowLocalRepos == null ? commandDefault : allowLocalRepos;
    }

    public Duration outputTtl() {
        return outputTtl;
    }

    public int maxOutputLines() {
        return maxOutputLines;
    }

    public Duration outputOutageTimeout() {
        return outputOutageTimeout;
    }

    /** ENVIRONMENTS_FILE, or null. */
    public Path environmentsFile() {
        return environmentsFile;
    }

    /** AI_GRACE_PERIOD (default 10 s): SIGTERM to SIGKILL when a process tree is stopped. */
    public Duration gracePeriod() {
        return gracePeriod;
    }

    /** SHUTDOWN_GRACE (default 30 s): how long serve lets running jobs finish after SIGTERM before cancelling them. */
    public Duration shutdownGrace() {
        return shutdownGrace;
    }

    /** RECLAIM_IDLE (default 30 s): a queue entry idle this long belongs to a runner that stopped. */
    public Duration reclaimIdle() {
        return reclaimIdle;
    }

    /** The selected provider's configuration, mapped from the AI_* variables and its credentials. */
    public AgentConfig agentConfig() {
        return agentConfig;
    }

    /**
     * {@code provider}'s configuration: the AI_* variables and that provider's credentials only, what
     * children do not inherit ({@link ChildEnvironment}), and the variables' names for the provider's messages.
     */
    public AgentConfig agentConfig(String provider) {
        Map<String, String> values = new LinkedHashMap<>(AgentCredentials.forProvider(provider, env));
        AGENT_KEYS.forEach((key, variable) -> {
            String v = env.get(variable);
            if (v != null && !v.isBlank()) {
                values.put(key, v);
            }
        });
        Map<String, String> names = new LinkedHashMap<>(AGENT_KEYS); // messages name the variables the operator sets
        names.putAll(AgentCredentials.names(provider));
        return AgentConfig.of(values).withEnvironmentPolicy(ChildEnvironment.POLICY).withSettingNames(names);
    }

    /** Values that must never be printed: masked in every line and message. */
    public List<String> secrets() {
        return secrets;
    }

    /** A variable's value after _FILE forms and flags, trimmed, or {@code defaultValue} when unset or blank. */
    public String string(String name, String defaultValue) {
        String v = env.get(name);
        return v == null || v.isBlank() ? defaultValue : v.trim();
    }

    private static List<String> secretValues(Map<String, String> env, String redisUrl) {
        List<String> out = new ArrayList<>();
        for (String name : Settings.SECRETS) {
            String v = env.get(name);
            if (v != null && !v.isBlank() && !name.equals("REDIS_URL")) {
                out.add(v.trim());
            }
        }
        String password = RedisUrls.password(redisUrl);
        if (password != null) {
            out.add(password);
        }
        return List.copyOf(out);
    }
}
