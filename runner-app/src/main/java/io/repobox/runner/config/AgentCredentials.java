package io.repobox.runner.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which variables hold each provider's credentials. Only the selected provider's key reaches its
 * configuration, so the Codex CLI never sees the Anthropic key and the other way round.
 */
final class AgentCredentials {

    /** Provider → configuration key → the variables that feed it, the first one set wins. */
    private static final Map<String, Map<String, List<String>>> VARIABLES = Map.of(
            "claude", Map.of("api-key", List.of("ANTHROPIC_API_KEY"), "auth-token", List.of("ANTHROPIC_AUTH_TOKEN")),
            "codex", Map.of("api-key", List.of("CODEX_API_KEY", "OPENAI_API_KEY")),
            "gemini", Map.of("api-key", List.of("GEMINI_API_KEY")));

    /** Every variable that holds a provider's key: masked in all output, whichever provider runs. */
    static final List<String> SECRET_VARIABLES = List.of("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "CODEX_API_KEY", "OPENAI_API_KEY",
            "GEMINI_API_KEY");

    /** Provider → configuration key → how a message names the variables that feed it. */
    private static final Map<String, Map<String, String>> NAMES = Map.of(
            "claude", Map.of("api-key", "ANTHROPIC_API_KEY", "auth-token", "ANTHROPIC_AUTH_TOKEN"),
            "codex", Map.of("api-key", "OPENAI_API_KEY or CODEX_API_KEY"),
            "gemini", Map.of("api-key", "GEMINI_API_KEY"));

    private AgentCredentials() {
    }

    /** How {@code provider}'s messages name its credential settings: the variables, not the configuration keys. */
    static Map<String, String> names(String provider) {
        return NAMES.getOrDefault(provider, Map.of());
    }

    /** The configuration entries for {@code provider}'s credentials found in {@code env}. */
    static Map<String, String> forProvider(String provider, Map<String, String> env) {
        Map<String, String> out = new LinkedHashMap<>();
        VARIABLES.getOrDefault(provider, Map.of()).forEach((key, variables) -> {
            for (String variable : variables) {
                String v = env.get(variable);
                if (v != null && !v.isBlank()) {
                    out.put(key, v.trim());
                    break;
                }
            }
        });
        return out;
    }
}
