package io.repobox.agent.process;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The environment a child process starts with: the runner's own, minus the runner's secrets and
 * configuration.
 *
 * <p>Removed: the runner's configuration variables ({@link #RUNNER_VARIABLES} and every name
 * starting with {@code AI_}, {@code REDIS_} or {@code REPOBOX_}), and every variable whose name
 * says it holds a secret ({@code TOKEN}, {@code SECRET}, {@code PASSWORD}, {@code PASSWD},
 * {@code CREDENTIAL}, or a {@code _KEY} word, such as {@code GITLAB_TOKEN} or
 * {@code AWS_SECRET_ACCESS_KEY}). Everything else (PATH, HOME, proxies, {@code ANTHROPIC_BASE_URL},
 * locale) is kept, so settings reach the agent while secrets do not. A caller that means to give a
 * secret to a child adds it back explicitly; the Claude provider does so with
 * {@code ANTHROPIC_API_KEY}.
 */
public final class ProcessEnvironment {

    /** The contract's runner variables that never reach a child. */
    public static final Set<String> RUNNER_VARIABLES = Set.of(
            "REDIS_URL", "RUNNER_ID", "TEMP_DIR", "CLEANUP_AFTER_JOB", "JOB_TIMEOUT", "ENCRYPTION_KEY",
            "MAX_CONCURRENT_JOBS", "MAX_JOBS_PER_USER", "ANTHROPIC_API_KEY", "OUTPUT_TTL", "ENVIRONMENTS_FILE",
            "ALLOW_LOCAL_REPOS");

    private static final Set<String> RUNNER_PREFIXES = Set.of("AI_", "REDIS_", "REPOBOX_");

    private static final Pattern SECRET_NAME =
            Pattern.compile(".*(TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|(^|_)(API_)?KEY($|_)).*");

    private ProcessEnvironment() {
    }

    /** A new, mutable copy of this JVM's environment without the runner's secrets and configuration. */
    public static Map<String, String> inherited() {
        return filter(System.getenv());
    }

    /** A new, mutable copy of {@code base} without the runner's secrets and configuration. */
    public static Map<String, String> filter(Map<String, String> base) {
        Map<String, String> out = new LinkedHashMap<>();
        base.forEach((name, value) -> {
            if (!isPrivate(name)) {
                out.put(name, value);
            }
        });
        return out;
    }

    /** Whether {@code name} is kept from children by {@link #filter}. */
    public static boolean isPrivate(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        if (RUNNER_VARIABLES.contains(upper)) {
            return true;
        }
        for (String prefix : RUNNER_PREFIXES) {
            if (upper.startsWith(prefix)) {
                return true;
            }
        }
        return SECRET_NAME.matcher(upper).matches();
    }
}
