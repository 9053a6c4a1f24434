package io.repobox.runner.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.repobox.runner.config.RunnerConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SandboxSettingsTest {

    @Test
    void defaultsFollowTheContract() {
        SandboxSettings s = SandboxSettings.from(RunnerConfig.of(Map.of()), SandboxSettings.Mode.REQUIRED);
        assertThat(s).isEqualTo(new SandboxSettings(SandboxSettings.Mode.REQUIRED, SandboxSettings.Network.ALLOWLIST, List.of(), 512,
                4L << 30, 5L << 30, null));
    }

    @Test
    void readsEveryVariable() {
        SandboxSettings s = SandboxSettings.from(RunnerConfig.of(Map.of("SANDBOX", "none", "SANDBOX_NETWORK", "Host",
                "SANDBOX_ALLOWED_HOSTS", "pypi.org, *.pythonhosted.org", "SANDBOX_MAX_PROCESSES", "64", "SANDBOX_MAX_MEMORY", "512m",
                "SANDBOX_MAX_WORKSPACE", "10G", "SANDBOX_BWRAP_PATH", "/opt/bwrap")), SandboxSettings.Mode.AUTO);
        assertThat(s.mode()).isEqualTo(SandboxSettings.Mode.NONE);
        assertThat(s.network()).isEqualTo(SandboxSettings.Network.HOST);
        assertThat(s.allowedHosts()).containsExactly("pypi.org", "*.pythonhosted.org");
        assertThat(s.maxProcesses()).isEqualTo(64);
        assertThat(s.maxMemory()).isEqualTo(512L << 20);
        assertThat(s.maxWorkspace()).isEqualTo(10L << 30);
        assertThat(s.bwrapPath()).hasToString("/opt/bwrap");
        assertThat(SandboxSettings.formatSize(s.maxWorkspace())).isEqualTo("10g");
    }

    @Test
    void badValuesNameTheVariable() {
        assertThatThrownBy(() -> SandboxSettings.from(RunnerConfig.of(Map.of("SANDBOX", "off")), SandboxSettings.Mode.AUTO))
                .hasMessage("SANDBOX must be one of required, auto, none, got 'off'");
        assertThatThrownBy(() -> SandboxSettings.from(RunnerConfig.of(Map.of("SANDBOX_MAX_MEMORY", "lots")), SandboxSettings.Mode.AUTO))
                .hasMessage("SANDBOX_MAX_MEMORY must be a size such as 512m, 4g or a number of bytes, got 'lots'");
        assertThatThrownBy(() -> SandboxSettings.from(RunnerConfig.of(Map.of("SANDBOX_MAX_PROCESSES", "0")), SandboxSettings.Mode.AUTO))
                .hasMessage("SANDBOX_MAX_PROCESSES must be a whole number of at least 1, got '0'");
        assertThatThrownBy(() -> SandboxSettings.from(RunnerConfig.of(Map.of("SANDBOX_ALLOWED_HOSTS", "a b")), SandboxSettings.Mode.AUTO))
                .hasMessage("SANDBOX_ALLOWED_HOSTS: 'a b' is not host, host:port or *.domain[:port]");
    }
}
