package io.repobox.agent.gemini;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
record GeminiSettings(String cliPath, String model, String configuredBaseUrl, String apiKey, List<String> extraArgs, Integer maxTurns,
                      String maxCostUsd, Duration gracePeriod, int maxLineBytes, boolean rawEvents, String minVersion) implements CliSettings {

    /** The public Gemini API endpoint, used when no base URL is configured. */
    static final String DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com";
    static final Set<String> REQUEST_KEYS = Set.of("model", "max-turns");
    static final int DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;
    /** The oldest release tested (its flags, settings and events are what this provider speaks). */
    static final String DEFAULT_MIN_VERSION = "0.61.0";

    private static final ObjectMapper JSON = new ObjectMapper();

    static GeminiSettings of(AgentConfig config, Map<String, String> requestOptions) {
        Map<String, String> merged = new LinkedHashMap<>(config.asMap());
        requestOptions.forEach((k, v) -> {
            if (REQUEST_KEYS.contains(k)) {
                merged.put(k, v);
            }
        });
        AgentConfig c = config.with(merged); // keeps the names the caller gives its settings, for messages
        Integer maxTurns = c.getInt("max-turns").orElse(null);
        if (maxTurns != null && maxTurns < 1) {
            throw new AgentConfigException("gemini option " + config.settingName("max-turns") + " must be at least 1, got " + maxTurns);
        }
        String baseUrl = c.getString("base-url").orElse(null);
        if (baseUrl != null) {
            URI uri;
            try {
                uri = URI.create(baseUrl);
            } catch (IllegalArgumentException e) {
                throw new AgentConfigException("gemini option " + config.settingName("base-url") + " is not a URL: '" + baseUrl + "'");
            }
            if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                throw new AgentConfigException("gemini option " + config.settingName("base-url") + " must be an http or https URL, got '" + baseUrl + "'");
            }
        }
        return new GeminiSettings(c.getString("cli-path", "gemini"), c.getString("model").orElse(null), baseUrl,
                c.getString("api-key").orElse(null),
                c.getString("extra-args").map(v -> Arrays.asList(v.trim().split("\\s+"))).orElse(List.of()), maxTurns,
                c.getString("max-cost-usd").orElse(null), c.getDuration("grace-period", ProcessSpec.DEFAULT_GRACE_PERIOD),
                c.getInt("max-line-bytes", DEFAULT_MAX_LINE_BYTES), c.getBoolean("raw-events", true),
                c.getString("min-version", DEFAULT_MIN_VERSION));
    }

    /** The API the CLI talks to: base-url (given as GOOGLE_GEMINI_BASE_URL) or the public endpoint. */
    String baseUrl() {
        return configuredBaseUrl != null ? configuredBaseUrl : DEFAULT_BASE_URL;
    }

    /**
     * The CLI's arguments; the prompt goes to standard input. {@code --yolo} approves every tool call
     * (headless mode cannot ask), and {@code --skip-trust} keeps the CLI from silently downgrading
     * YOLO in a folder it has not been told to trust.
     */
    List<String> command() {
        List<String> argv = new ArrayList<>(List.of(cliPath, "--output-format=stream-json", "--yolo", "--skip-trust"));
        if (model != null) {
            argv.add("--model=" + model);
        }
        argv.addAll(extraArgs);
        return argv;
    }

    /**
     * The per-job settings file: API-key authentication (with a base URL the CLI would otherwise pick
     * the gateway auth type, which headless mode refuses with exit 41), no usage statistics, no
     * self-update, and the turn limit.
     */
    String settingsJson() {
        ObjectNode root = JSON.createObjectNode();
        root.putObject("security").putObject("auth").put("selectedType", "gemini-api-key");
        root.putObject("privacy").put("usageStatisticsEnabled", false);
        root.putObject("general").put("enableAutoUpdate", false).put("enableAutoUpdateNotification", false);
        if (maxTurns != null) {
            root.putObject("model").put("maxSessionTurns", maxTurns);
        }
        return root.toPrettyString();
    }
}
