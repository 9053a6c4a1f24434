package io.repobox.runner.environment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.repobox.agent.output.Durations;
import io.repobox.runner.config.ConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The runtime environments a job can name. Built in: default, node, php, python, fullstack (the
 * platform's names), as metadata without hooks. ENVIRONMENTS_FILE (JSON) adds environments and
 * gives any environment a pre-run hook:
 *
 * <pre>{@code
 * {
 *   "environments": {
 *     "php":  { "description": "PHP 8.3 with Composer", "hook": { "command": ["composer", "install", "--no-interaction"], "timeout": "10m" } },
 *     "node": { "hook": { "shell": "npm ci && npm run build", "timeout": "15m" } },
 *     "rust": { "description": "Rust stable", "allowed_hosts": ["crates.io", "*.crates.io"] }
 *   }
 * }
 * }</pre>
 *
 * A hook is argv ({@code command}) or a line for {@code /bin/sh -c} ({@code shell}); it runs in the
 * repository root before the agent, with its own timeout (default 10m), its output streamed with
 * source {@code runner}. {@code allowed_hosts} are hosts the hook and the agent may reach from the
 * sandbox (package registries), in addition to the model API and SANDBOX_ALLOWED_HOSTS. Immutable.
 */
public final class Environments {

    /** A pre-run hook. */
    public record Hook(List<String> command, Duration timeout) {
    }

    /**
     * An environment: its name, what it is, its hook if it has one, and the hosts its hook and agent
     * may reach from the sandbox besides the model API ({@code allowed_hosts}: host, host:port, *.domain).
     */
    public record Environment(String name, String description, Optional<Hook> hook, List<String> allowedHosts) {
        public Environment {
            allowedHosts = List.copyOf(allowedHosts);
        }

        public Environment(String name, String description, Optional<Hook> hook) {
            this(name, description, hook, List.of());
        }

        /** The setting that holds {@link #allowedHosts()}, as messages name it. */
        public String allowedHostsSetting() {
            return "the allowed_hosts of environment '" + name + "' (ENVIRONMENTS_FILE)";
        }
    }

    public static final Duration DEFAULT_HOOK_TIMEOUT = Duration.ofMinutes(10);

    private static final Map<String, String> BUILT_IN = Map.of(
            "default", "the runner's own tools", "node", "Node.js projects", "php", "PHP projects",
            "python", "Python projects", "fullstack", "front end and back end together");

    private final Map<String, Environment> byName;

    private Environments(Map<String, Environment> byName) {
        this.byName = Collections.unmodifiableMap(byName);
    }

    /** The built-in environments only. */
    public static Environments builtIn() {
        Map<String, Environment> map = new LinkedHashMap<>();
        for (String name : List.of("default", "node", "php", "python", "fullstack")) {
            map.put(name, new Environment(name, BUILT_IN.get(name), Optional.empty()));
        }
        return new Environments(map);
    }

    /** The built-in environments plus those of {@code file} (null: none). */
    public static Environments load(Path file) {
        Environments base = builtIn();
        if (file == null) {
            return base;
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readString(file));
        } catch (IOException e) {
            throw new ConfigurationException("ENVIRONMENTS_FILE " + file + " cannot be read as JSON: " + e.getMessage());
        }
        JsonNode envs = root == null ? null : root.get("environments");
        if (envs == null || !envs.isObject()) {
            throw new ConfigurationException("ENVIRONMENTS_FILE " + file + " must hold an object \"environments\"");
        }
        Map<String, Environment> map = new LinkedHashMap<>(base.byName);
        for (Iterator<Map.Entry<String, JsonNode>> it = envs.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            if (!name.matches("[a-z0-9][a-z0-9_.-]{0,63}")) {
                throw new ConfigurationException("ENVIRONMENTS_FILE: environment name '" + name + "' must be lowercase letters, digits, '.', '_' or '-'");
            }
            JsonNode node = e.getValue();
            String description = node.path("description").asText(map.containsKey(name) ? map.get(name).description() : name);
            List<String> hosts = new ArrayList<>();
            JsonNode allowed = node.get("allowed_hosts");
            if (allowed != null && !allowed.isArray()) {
                throw new ConfigurationException("ENVIRONMENTS_FILE: allowed_hosts of '" + name + "' must be an array of host[:port] strings");
            }
            if (allowed != null) {
                allowed.forEach(h -> hosts.add(h.asText()));
            }
            Environment env = new Environment(name, description, hook(name, node.get("hook")), hosts);
            io.repobox.runner.sandbox.HostRule.parseAll(hosts, env.allowedHostsSetting()); // refuse a bad entry at start-up
            map.put(name, env);
        }
        return new Environments(map);
    }

    private static Optional<Hook> hook(String env, JsonNode node) {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        List<String> command = new ArrayList<>();
        if (node.has("command") && node.get("command").isArray() && node.get("command").size() > 0) {
            node.get("command").forEach(a -> command.add(a.asText()));
        } else if (node.hasNonNull("shell") && !node.get("shell").asText().isBlank()) {
            command.addAll(List.of("/bin/sh", "-c", node.get("shell").asText()));
        } else {
            throw new ConfigurationException("ENVIRONMENTS_FILE: the hook of '" + env + "' needs \"command\" (an array) or \"shell\" (a string)");
        }
        Duration timeout = DEFAULT_HOOK_TIMEOUT;
        if (node.hasNonNull("timeout")) {
            try {
                timeout = Durations.parse(node.get("timeout").asText());
            } catch (IllegalArgumentException ex) {
                throw new ConfigurationException("ENVIRONMENTS_FILE: the hook timeout of '" + env + "': " + ex.getMessage());
            }
        }
        return Optional.of(new Hook(List.copyOf(command), timeout));
    }

    public Optional<Environment> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The known names, in order. */
    public List<String> names() {
        return List.copyOf(byName.keySet());
    }
}
