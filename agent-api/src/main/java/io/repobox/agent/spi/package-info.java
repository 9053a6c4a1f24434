/** The provider SPI: implement {@link io.repobox.agent.spi.AgentProvider} and register it with ServiceLoader. */
package io.repobox.agent.spi;
