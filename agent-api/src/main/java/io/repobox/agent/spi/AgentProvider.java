package io.repobox.agent.spi;

import io.repobox.agent.Agent;
import io.repobox.agent.AgentConfig;
import io.repobox.agent.Readiness;

/**
 * Makes agents. Registered in {@code META-INF/services/io.repobox.agent.spi.AgentProvider} and
 * found by {@link io.repobox.agent.spi.AgentProviders}.
 *
 * <p>Implementations are public, final, have a public no-argument constructor and do no work
 * until {@link #create} is called: discovery instantiates every provider on the classpath, but
 * only the selected one creates an agent.
 */
public interface AgentProvider {

    /** The stable lowercase name users select the provider by ({@code claude}, {@code fake}). */
    String name();

    /** One line saying what the provider runs. */
    default String description() {
        return getClass().getName();
    }

    /**
     * Creates an agent configured by {@code config}.
     *
     * @throws io.repobox.agent.AgentConfigException if the configuration is invalid
     */
    Agent create(AgentConfig config);

    /**
     * Checks, without running a request, whether an agent made with {@code config} could run
     * here (its executable found, its version supported, its credentials present). Must be quick
     * and must not throw.
     */
    default Readiness readiness(AgentConfig config) {
        return Readiness.ready("no requirements");
    }
}
