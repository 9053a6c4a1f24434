/**
 * The provider SPI and its discovery: implement {@link io.repobox.agent.spi.AgentProvider} and
 * register it with ServiceLoader; find providers with {@link io.repobox.agent.spi.AgentProviders}.
 * This package sits above {@link io.repobox.agent}: providers make agents, agents know nothing of
 * providers.
 */
package io.repobox.agent.spi;
