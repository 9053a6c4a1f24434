package io.repobox.agent;

import io.repobox.agent.output.Durations;
import io.repobox.agent.process.EnvironmentPolicy;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A read-only, typed view of a provider's configuration.
 *
 * <p>Providers never read environment variables or command-line options themselves; the runner
 * maps those onto an {@code AgentConfig} in one place (see the configuration reference in the
 * docs). Tests and embedding services build one from a plain map with {@link #of(Map)}.
 *
 * <p>Keys are lowercase and dash-separated ({@code cli-path}, {@code max-turns}). Blank values
 * count as absent, because the contract allows optional fields to be present as empty strings.
 *
 * <p>Besides the strings, a configuration carries what only the caller knows: the
 * {@link #environmentPolicy() environment policy} (which of the host's environment variables the
 * agent's processes do not inherit; providers build every child environment from it), and the
 * {@link #settingName(String) names its users know the settings by}, so that a provider's message
 * says "set AI_CLI_PATH" to a runner's operator and "set 'cli-path'" to anyone else.
 * Instances are immutable and thread-safe.
 */
public final class AgentConfig {

    private static final AgentConfig EMPTY = new AgentConfig(Map.of(), EnvironmentPolicy.secretsWithheld(), Map.of());

    private final Map<String, String> values;
    private final EnvironmentPolicy environmentPolicy;
    private final Map<String, String> settingNames;

    private AgentConfig(Map<String, String> values, EnvironmentPolicy environmentPolicy, Map<String, String> settingNames) {
        this.values = values;
        this.environmentPolicy = environmentPolicy;
        this.settingNames = settingNames;
    }

    /**
     * A configuration holding a copy of {@code values}, with the policy {@link EnvironmentPolicy#secretsWithheld()};
     * null keys or values are rejected.
     */
    public static AgentConfig of(Map<String, String> values) {
        return new AgentConfig(copy(values), EnvironmentPolicy.secretsWithheld(), Map.of());
    }

    private static Map<String, String> copy(Map<String, String> values) {
        Map<String, String> copy = new LinkedHashMap<>();
        values.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "key"), Objects.requireNonNull(v, () -> "value of " + k)));
        return Collections.unmodifiableMap(copy);
    }

    /** An empty configuration: every getter returns its default. */
    public static AgentConfig empty() {
        return EMPTY;
    }

    /** A configuration where the entries of {@code overrides} replace those of this one; the policy and names are kept. */
    public AgentConfig with(Map<String, String> overrides) {
        Map<String, String> merged = new LinkedHashMap<>(values);
        merged.putAll(overrides);
        return new AgentConfig(copy(merged), environmentPolicy, settingNames);
    }

    /** This configuration with {@code policy} deciding which host variables the agent's processes do not inherit. */
    public AgentConfig withEnvironmentPolicy(EnvironmentPolicy policy) {
        return new AgentConfig(values, Objects.requireNonNull(policy, "policy"), settingNames);
    }

    /**
     * This configuration with the names the caller's users set its keys by ({@code cli-path} →
     * {@code AI_CLI_PATH}), for messages; keys not named keep their own name.
     */
    public AgentConfig withSettingNames(Map<String, String> names) {
        return new AgentConfig(values, environmentPolicy, copy(names));
    }

    /**
     * What to call the setting {@code key} in a message for a person: the name the caller gave it
     * ({@link #withSettingNames}), else the key in quotes ({@code 'cli-path'}).
     */
    public String settingName(String key) {
        String name = settingNames.get(key);
        return name != null ? name : "'" + key + "'";
    }

    /**
     * Which of the host's environment variables the agent's processes do not inherit; never null.
     * Providers start every child (the CLI, its version probe) from {@code environmentPolicy().inherited()}.
     */
    public EnvironmentPolicy environmentPolicy() {
        return environmentPolicy;
    }

    /** The value of {@code key}, if present and not blank. */
    public Optional<String> getString(String key) {
        String v = values.get(key);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    public String getString(String key, String defaultValue) {
        return getString(key).orElse(defaultValue);
    }

    /** @throws AgentConfigException if the value is not a whole number */
    public Optional<Integer> getInt(String key) {
        return getString(key).map(v -> {
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new AgentConfigException("configuration " + settingName(key) + " must be a whole number, got '" + v + "'");
            }
        });
    }

    public int getInt(String key, int defaultValue) {
        return getInt(key).orElse(defaultValue);
    }

    /**
     * A duration: plain numbers are seconds; {@code 1500ms}, {@code 30s}, {@code 10m}, {@code 2h}
     * and ISO-8601 are accepted.
     *
     * @throws AgentConfigException if the value is not a duration
     */
    public Optional<Duration> getDuration(String key) {
        return getString(key).map(v -> {
            try {
                return Durations.parse(v);
            } catch (IllegalArgumentException e) {
                throw new AgentConfigException("configuration " + settingName(key) + ": " + e.getMessage());
            }
        });
    }

    public Duration getDuration(String key, Duration defaultValue) {
        return getDuration(key).orElse(defaultValue);
    }

    /** @throws AgentConfigException unless the value is true/false/yes/no/1/0 */
    public Optional<Boolean> getBoolean(String key) {
        return getString(key).map(v -> switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1", "on" -> Boolean.TRUE;
            case "false", "no", "0", "off" -> Boolean.FALSE;
            default -> throw new AgentConfigException("configuration " + settingName(key) + " must be true or false, got '" + v + "'");
        });
    }

    public boolean getBoolean(String key, boolean defaultValue) {
        return getBoolean(key).orElse(defaultValue);
    }

    /** A comma-separated list, items trimmed, empty items dropped; empty if absent. */
    public List<String> getList(String key) {
        return getString(key)
                .map(v -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList())
                .orElse(List.of());
    }

    /** The keys present, in insertion order. */
    public Set<String> keys() {
        return values.keySet();
    }

    /** The entries as an unmodifiable map. */
    public Map<String, String> asMap() {
        return values;
    }

    /** Lists the keys only: values may be secrets. */
    @Override
    public String toString() {
        return "AgentConfig" + values.keySet();
    }
}
