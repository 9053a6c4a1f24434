package io.repobox.agent.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.repobox.agent.Agent;
import io.repobox.agent.AgentConfig;
import io.repobox.agent.AgentExecution;
import io.repobox.agent.AgentResult;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentProvidersTest {

    @TempDir
    Path dir;

    public static final class Alpha implements AgentProvider {
        @Override
        public String name() {
            return "alpha";
        }

        @Override
        public Agent create(AgentConfig config) {
            return (request, sink) -> AgentExecution.of(java.util.concurrent.CompletableFuture.completedFuture(
                    AgentResult.succeeded("done", java.time.Duration.ZERO, java.util.Map.of())), () -> { });
        }
    }

    public static final class Beta implements AgentProvider {
        @Override
        public String name() {
            return "beta";
        }

        @Override
        public Agent create(AgentConfig config) {
            throw new UnsupportedOperationException();
        }
    }

    public static final class AlsoAlpha implements AgentProvider {
        @Override
        public String name() {
            return "alpha";
        }

        @Override
        public Agent create(AgentConfig config) {
            throw new UnsupportedOperationException();
        }
    }

    public static final class Broken implements AgentProvider {
        public Broken() {
            throw new IllegalStateException("needs a licence file");
        }

        @Override
        public String name() {
            return "broken";
        }

        @Override
        public Agent create(AgentConfig config) {
            throw new UnsupportedOperationException();
        }
    }

    private AgentProviders load(String... classNames) throws IOException {
        Path services = dir.resolve("META-INF/services");
        Files.createDirectories(services);
        Files.writeString(services.resolve(AgentProvider.class.getName()), String.join("\n", classNames) + "\n");
        URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader()) {
            // Only the services file in dir: hide any registrations of the test class path.
            @Override
            public java.util.Enumeration<URL> getResources(String name) throws IOException {
                return findResources(name);
            }
        };
        return AgentProviders.load(loader);
    }

    @Test
    void findsProvidersByName() throws IOException {
        AgentProviders providers = load(Alpha.class.getName(), Beta.class.getName());

        assertThat(providers.get("alpha")).isInstanceOf(Alpha.class);
        assertThat(providers.get("beta")).isInstanceOf(Beta.class);
        assertThat(providers.providers()).extracting(AgentProviders.Found::name).containsExactly("alpha", "beta");
        assertThat(providers.providers().get(0).className()).isEqualTo(Alpha.class.getName());
        assertThat(providers.problems()).isEmpty();
    }

    @Test
    void anUnknownNameListsTheAvailableOnes() throws IOException {
        AgentProviders providers = load(Alpha.class.getName(), Beta.class.getName());

        assertThatThrownBy(() -> providers.get("gpt")).isInstanceOf(ProviderLookupException.class)
                .hasMessage("No agent provider is named 'gpt'. Available: alpha, beta.");
    }

    @Test
    void noProviderAtAllSaysWhichArtifactToAdd() throws IOException {
        AgentProviders providers = load();

        assertThatThrownBy(() -> providers.get("claude")).isInstanceOf(ProviderLookupException.class)
                .hasMessage("No agent provider is on the classpath. Add the artifact io.repobox:agent-claude (runs the Claude "
                        + "Code CLI) or io.repobox:agent-fake (the dry-run agent) to the classpath.");
    }

    @Test
    void twoProvidersWithOneNameAreNamedBoth() throws IOException {
        AgentProviders providers = load(Alpha.class.getName(), AlsoAlpha.class.getName(), Beta.class.getName());

        assertThatThrownBy(() -> providers.get("alpha")).isInstanceOf(ProviderLookupException.class)
                .hasMessageStartingWith("Two agent providers are named 'alpha': " + Alpha.class.getName() + " (")
                .hasMessageContaining(" and " + AlsoAlpha.class.getName() + " (")
                .hasMessageEndingWith("). Remove one of them from the classpath.");
        assertThat(providers.get("beta")).isInstanceOf(Beta.class);
    }

    @Test
    void aProviderThatFailsToLoadIsReportedAndTheOthersStayUsable() throws IOException {
        AgentProviders providers = load(Broken.class.getName(), "com.example.Missing", Alpha.class.getName());

        assertThat(providers.get("alpha")).isInstanceOf(Alpha.class);
        assertThat(providers.problems()).hasSize(2);
        assertThat(providers.problems().get(0)).startsWith("An agent provider could not be loaded and was skipped: ")
                .contains(Broken.class.getName()).contains("needs a licence file");
        assertThat(providers.problems().get(1)).contains("com.example.Missing");
        assertThatThrownBy(() -> providers.get("broken")).hasMessageStartingWith("No agent provider is named 'broken'. Available: alpha. An agent provider could not be loaded");
    }
}
