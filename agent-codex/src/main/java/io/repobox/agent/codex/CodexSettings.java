package io.repobox.agent.codex;

import io.repobox.agent.AgentConfig;
import io.repobox.agent.AgentConfigException;
import io.repobox.agent.cli.CliSettings;
import io.repobox.agent.process.ProcessSpec;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The provider's settings: its configuration, with a job's request options layered on top for the
 * keys a job may choose ({@link #REQUEST_KEYS}). The executable, the endpoint and the key come from
 * the runner's configuration only.
 */
record CodexSettings(String cliPath, String model, String baseUrl, String apiKey, List<String> extraArgs, Integer maxTurns,
                     String maxCostUsd, Duration gracePeriod, int maxLineBytes, boolean rawEvents, String minVersion) implements CliSettings {

    /** The public Responses API endpoint, used when no base URL is configured. */
    static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";
    /** The model provider id the runner defines for the CLI, and the variable it reads the key from. */
    static final String PROVIDER_ID = "repobox";
    static final String KEY_VARIABLE = "OPENAI_API_KEY";
    static final Set<String> REQUEST_KEYS = Set.of("model");
    static final int DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;
    /** The oldest release tested (its flags and events are what this provider speaks). */
    static final String DEFAULT_MIN_VERSION = "0.171.0";

    static CodexSettings of(AgentConfig config, Map<String, String> requestOptions) {
        Map<String, String> merged = new LinkedHashMap<>(config.asMap());
        requestOptions.forEach((k, v) -> {
            if (REQUEST_KEYS.contains(k)) {
                merged.put(k, v);
            }
        });
        AgentConfig c = config.with(merged); // keeps the names the caller gives its settings, for messages
        Integer maxTurns = c.getInt("max-turns").orElse(null);
        if (maxTurns != null && maxTurns < 1) {
            throw new AgentConfigException("codex option " + config.settingName("max-turns") + " must be at least 1, got " + maxTurns);
        }
        return new CodexSettings(c.getString("cli-path", "codex"), c.getString("model").orElse(null),
                baseUrl(c.getString("base-url").orElse(null), c), c.getString("api-key").orElse(null),
                c.getString("extra-args").map(v -> Arrays.asList(v.trim().split("\\s+"))).orElse(List.of()), maxTurns,
                c.getString("max-cost-usd").orElse(null), c.getDuration("grace-period", ProcessSpec.DEFAULT_GRACE_PERIOD),
                c.getInt("max-line-bytes", DEFAULT_MAX_LINE_BYTES), c.getBoolean("raw-events", true),
                c.getString("min-version", DEFAULT_MIN_VERSION));
    }

    /**
     * The Responses API base the CLI posts {@code /responses} to. A URL with no path gets the API's
     * {@code /v1} (base-url https://gateway.example → https://gateway.example/v1), as the public
     * endpoint has it; a URL with a path is used as written.
     */
    static String baseUrl(String configured, AgentConfig config) {
        if (configured == null) {
            return DEFAULT_BASE_URL;
        }
        URI uri;
        try {
            uri = URI.create(configured);
        } catch (IllegalArgumentException e) {
            throw new AgentConfigException("codex option " + config.settingName("base-url") + " is not a URL: '" + configured + "'");
        }
        if (uri.getScheme() == null || uri.getHost() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
            throw new AgentConfigException("codex option " + config.settingName("base-url") + " must be an http or https URL, got '" + configured + "'");
        }
        String trimmed = configured.endsWith("/") ? configured.substring(0, configured.length() - 1) : configured;
        return uri.getPath() == null || uri.getPath().isEmpty() || uri.getPath().equals("/") ? trimmed + "/v1" : trimmed;
    }

    /**
     * The CLI's arguments; the prompt goes to standard input ({@code -}). With the runner's sandbox
     * on, the CLI's own sandbox is off (it is meant for environments sandboxed from outside, and it
     * cannot nest inside one); without it, the CLI confines commands to the workspace itself.
     */
    List<String> command(boolean confined) {
        List<String> argv = new ArrayList<>(List.of(cliPath, "exec", "--json", "--skip-git-repo-check", "--color=never"));
        if (confined) {
            argv.add("--dangerously-bypass-approvals-and-sandbox");
        } else {
            argv.add("--sandbox=workspace-write");
        }
        if (model != null) {
            argv.add("--model=" + model);
        }
        // Current releases ignore OPENAI_BASE_URL; a model provider of our own carries the endpoint and the key's variable.
        argv.addAll(List.of("--config=check_for_update_on_startup=false", "--config=model_provider=" + PROVIDER_ID,
                "--config=model_providers." + PROVIDER_ID + "={name=\"repobox\", base_url=" + tomlString(baseUrl) + ", env_key=\""
                        + KEY_VARIABLE + "\", wire_api=\"responses\"}"));
        argv.addAll(extraArgs);
        argv.add("-");
        return argv;
    }

    private static String tomlString(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
