package io.repobox.agent.claude;

import io.repobox.agent.AgentConfig;
import io.repobox.agent.AgentConfigException;
import io.repobox.agent.cli.CliSettings;
import io.repobox.agent.process.ProcessSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The provider's settings: its configuration, with a job's request options layered on top for the
 * keys a job may choose ({@link #REQUEST_KEYS}). The executable and the credentials come from the
 * runner's configuration only: a job cannot pick what runs or as whom.
 */
record ClaudeSettings(String cliPath, String model, String outputFormat, String permissionMode, List<String> allowedTools,
                      List<String> disallowedTools, Integer maxTurns, String appendSystemPrompt, List<String> extraArgs,
                      String apiKey, String authToken, Duration gracePeriod, int maxLineBytes, boolean rawEvents,
                      boolean disableAutoupdater, String minVersion, String configuredBaseUrl, String maxCostUsd) implements CliSettings {

    /** The public Messages API endpoint, used when no base URL is configured. */
    static final String DEFAULT_BASE_URL = "https://api.anthropic.com";

    static final String TEXT = "text";
    static final String STREAM_JSON = "stream-json";
    /** Keys a request's options may set. */
    static final Set<String> REQUEST_KEYS = Set.of("model", "permission-mode", "allowed-tools", "disallowed-tools", "max-turns",
            "append-system-prompt");
    /** stream-json events can be megabytes; the framer's buffer grows only as far as a line needs. */
    static final int DEFAULT_JSON_MAX_LINE_BYTES = 16 * 1024 * 1024;
    static final String DEFAULT_MIN_VERSION = "1.0.0";

    static ClaudeSettings of(AgentConfig config, Map<String, String> requestOptions) {
        Map<String, String> merged = new LinkedHashMap<>(config.asMap());
        requestOptions.forEach((k, v) -> {
            if (REQUEST_KEYS.contains(k)) {
                merged.put(k, v);
            }
        });
        AgentConfig c = config.with(merged); // keeps the names the caller gives its settings, for messages
        String format = c.getString("output-format", STREAM_JSON);
        if (!format.equals(TEXT) && !format.equals(STREAM_JSON)) {
            throw new AgentConfigException("claude option " + c.settingName("output-format") + " must be text or stream-json, got '" + format + "'");
        }
        Integer maxTurns = c.getInt("max-turns").orElse(null);
        if (maxTurns != null && maxTurns < 1) {
            throw new AgentConfigException("claude option " + c.settingName("max-turns") + " must be at least 1, got " + maxTurns);
        }
        return new ClaudeSettings(c.getString("cli-path", "claude"), c.getString("model").orElse(null), format,
                c.getString("permission-mode", "acceptEdits"), c.getList("allowed-tools"), c.getList("disallowed-tools"), maxTurns,
                c.getString("append-system-prompt").orElse(null),
                c.getString("extra-args").map(v -> Arrays.asList(v.trim().split("\\s+"))).orElse(List.of()),
                c.getString("api-key").orElse(null), c.getString("auth-token").orElse(null),
                c.getDuration("grace-period", ProcessSpec.DEFAULT_GRACE_PERIOD),
                c.getInt("max-line-bytes", format.equals(STREAM_JSON) ? DEFAULT_JSON_MAX_LINE_BYTES : ProcessSpec.DEFAULT_MAX_LINE_BYTES),
                c.getBoolean("raw-events", true), c.getBoolean("disable-autoupdater", true),
                c.getString("min-version", DEFAULT_MIN_VERSION), c.getString("base-url").orElse(null), maxCostUsd(c));
    }

    /** max-cost-usd: a positive dollar amount, given to the CLI as --max-budget-usd. */
    static String maxCostUsd(AgentConfig c) {
        String v = c.getString("max-cost-usd").orElse(null);
        if (v == null) {
            return null;
        }
        try {
            if (new java.math.BigDecimal(v).signum() > 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new AgentConfigException("claude option " + c.settingName("max-cost-usd") + " must be a positive amount of dollars such as 2.50, got '"
                + v + "'");
    }

    /**
     * The CLI's arguments. The prompt is not among them: it goes to standard input, so any prompt
     * works, whatever it starts with and however long it is. Values use the {@code --flag=value}
     * form, so a value that starts with "-" is never read as a flag.
     */
    List<String> command() {
        List<String> argv = new ArrayList<>(List.of(cliPath, "--print", "--output-format=" + outputFormat));
        if (outputFormat.equals(STREAM_JSON)) {
            argv.add("--verbose"); // the CLI requires it for stream-json in print mode
        }
        argv.add("--permission-mode=" + permissionMode);
        if (model != null) {
            argv.add("--model=" + model);
        }
        if (maxTurns != null) {
            argv.add("--max-turns=" + maxTurns);
        }
        if (maxCostUsd != null) {
            argv.add("--max-budget-usd=" + maxCostUsd);
        }
        if (appendSystemPrompt != null) {
            argv.add("--append-system-prompt=" + appendSystemPrompt);
        }
        argv.addAll(extraArgs);
        // Variadic options last, so that nothing after them is taken for one of their values.
        if (!allowedTools.isEmpty()) {
            argv.add("--allowedTools=" + String.join(",", allowedTools));
        }
        if (!disallowedTools.isEmpty()) {
            argv.add("--disallowedTools=" + String.join(",", disallowedTools));
        }
        return argv;
    }

    /** The API the CLI talks to: base-url (given to the CLI as ANTHROPIC_BASE_URL) or the public endpoint. */
    String baseUrl() {
        return configuredBaseUrl != null ? configuredBaseUrl : DEFAULT_BASE_URL;
    }

    boolean streamJson() {
        return outputFormat.equals(STREAM_JSON);
    }
}
