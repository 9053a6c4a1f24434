package io.repobox.runner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/** What an embedding JVM developer gets: each library jar is a named module on the module path, with its version. */
class ArtifactsIT {

    private static final Map<String, String> MODULES = Map.of("agent-api", "io.repobox.agent", "agent-fake", "io.repobox.agent.fake",
            "agent-claude", "io.repobox.agent.claude", "agent-codex", "io.repobox.agent.codex", "agent-gemini", "io.repobox.agent.gemini",
            "output-redis", "io.repobox.output.redis");

    @Test
    void everyLibraryJarNamesItsModuleAndVersion() throws Exception {
        String version = RunnerCommand.Version.version();
        for (var e : MODULES.entrySet()) {
            Path jar = Path.of("..", e.getKey(), "target", e.getKey() + "-" + version + ".jar");
            assertThat(jar).as("built before runner-app in the reactor").exists();
            try (JarFile file = new JarFile(jar.toFile())) {
                assertThat(file.getManifest().getMainAttributes().getValue("Automatic-Module-Name")).isEqualTo(e.getValue());
                assertThat(file.getManifest().getMainAttributes().getValue("Implementation-Version")).isEqualTo(version);
            }
            assertThat(ModuleFinder.of(jar).findAll()).extracting(ModuleReference::descriptor).extracting(d -> d.name())
                    .containsExactly(e.getValue());
        }
        assertThat(Files.readString(Path.of("..", "LICENSE"))).contains("Apache License", "Version 2.0, January 2004");
    }
}
