package io.repobox.runner.config;

import io.repobox.agent.process.EnvironmentPolicy;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What the runner's children (the agent, the pre-run hook, git) inherit of its environment: nothing
 * of the runner's own contract. Every variable of the configuration reference ({@link Settings#KNOWN}),
 * the {@code _FILE} forms of its secrets, and every name starting with {@code AI_}, {@code REDIS_} or
 * {@code REPOBOX_} is withheld, besides the names that say they hold secrets (the library's rule). A
 * variable added to the reference is withheld without further work; the one API key an agent needs
 * is added back by its provider.
 */
public final class ChildEnvironment {

    /** The runner's policy; the agent's configuration carries it to the provider. */
    public static final EnvironmentPolicy POLICY = EnvironmentPolicy.secretsWithheld()
            .withholding(Stream.concat(Settings.KNOWN.stream(), Settings.SECRETS.stream().map(name -> name + "_FILE"))
                    .collect(Collectors.toSet()))
            .withholdingPrefixes(Set.of("AI_", "REDIS_", "REPOBOX_"));

    private ChildEnvironment() {
    }

    /** A new, mutable copy of the runner's environment without what {@link #POLICY} withholds. */
    public static Map<String, String> inherited() {
        return POLICY.inherited();
    }
}
