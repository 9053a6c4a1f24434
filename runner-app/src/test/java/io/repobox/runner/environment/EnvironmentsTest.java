package io.repobox.runner.environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.repobox.runner.config.ConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvironmentsTest {

    @TempDir
    Path dir;

    @Test
    void thePlatformsNamesAreBuiltIn() {
        assertThat(Environments.builtIn().names()).containsExactly("default", "node", "php", "python", "fullstack");
        assertThat(Environments.builtIn().find("php").orElseThrow().hook()).isEmpty();
    }

    @Test
    void aFileAddsEnvironmentsAndHooks() throws Exception {
        Path file = Files.writeString(dir.resolve("envs.json"), """
                {"environments": {
                  "php": {"hook": {"command": ["composer", "install"], "timeout": "5m"}},
                  "node": {"description": "Node 22", "hook": {"shell": "npm ci && npm test"}},
                  "rust": {"description": "Rust stable", "allowed_hosts": ["crates.io", "*.crates.io:443"]}
                }}""");

        Environments envs = Environments.load(file);

        assertThat(envs.names()).containsExactly("default", "node", "php", "python", "fullstack", "rust");
        assertThat(envs.find("php").orElseThrow().hook().orElseThrow()).isEqualTo(new Environments.Hook(List.of("composer", "install"), Duration.ofMinutes(5)));
        assertThat(envs.find("node").orElseThrow().hook().orElseThrow().command()).containsExactly("/bin/sh", "-c", "npm ci && npm test");
        assertThat(envs.find("node").orElseThrow().hook().orElseThrow().timeout()).isEqualTo(Environments.DEFAULT_HOOK_TIMEOUT);
        assertThat(envs.find("rust").orElseThrow().description()).isEqualTo("Rust stable");
        assertThat(envs.find("rust").orElseThrow().allowedHosts()).containsExactly("crates.io", "*.crates.io:443");
        assertThat(envs.find("php").orElseThrow().allowedHosts()).isEmpty();
    }

    @Test
    void aBrokenFileIsAConfigurationErrorNamingTheProblem() throws Exception {
        Path noHookCommand = Files.writeString(dir.resolve("a.json"), "{\"environments\": {\"php\": {\"hook\": {}}}}");
        Path notJson = Files.writeString(dir.resolve("b.json"), "environments: php");
        Path badHost = Files.writeString(dir.resolve("c.json"), "{\"environments\": {\"php\": {\"allowed_hosts\": [\"https://x\"]}}}");

        assertThatThrownBy(() -> Environments.load(noHookCommand)).isInstanceOf(ConfigurationException.class)
                .hasMessage("ENVIRONMENTS_FILE: the hook of 'php' needs \"command\" (an array) or \"shell\" (a string)");
        assertThatThrownBy(() -> Environments.load(notJson)).hasMessageStartingWith("ENVIRONMENTS_FILE " + notJson + " cannot be read as JSON");
        assertThatThrownBy(() -> Environments.load(badHost)).hasMessage("the allowed_hosts of environment 'php' (ENVIRONMENTS_FILE): "
                + "'https://x' is not host, host:port or *.domain[:port]");
    }
}
