package io.repobox.runner.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.repobox.runner.config.ConfigurationException;
import java.net.URI;
import org.junit.jupiter.api.Test;

class HostRuleTest {

    @Test
    void aHostWithoutPortAllowsHttpAndHttps() {
        HostRule rule = HostRule.parse("registry.npmjs.org", "SANDBOX_ALLOWED_HOSTS");
        assertThat(rule.allows("registry.npmjs.org", 443)).isTrue();
        assertThat(rule.allows("registry.npmjs.org", 80)).isTrue();
        assertThat(rule.allows("registry.npmjs.org", 22)).isFalse();
        assertThat(rule.allows("evil.registry.npmjs.org", 443)).isFalse();
    }

    @Test
    void aWildcardAllowsSubdomainsOnlyAndAPortOnlyThatPort() {
        HostRule rule = HostRule.parse("*.Example.com:8443", "SANDBOX_ALLOWED_HOSTS");
        assertThat(rule.allows("a.example.com", 8443)).isTrue();
        assertThat(rule.allows("a.b.example.com", 8443)).isTrue();
        assertThat(rule.allows("example.com", 8443)).isFalse();
        assertThat(rule.allows("badexample.com", 8443)).isFalse();
        assertThat(rule.allows("a.example.com", 443)).isFalse();
    }

    @Test
    void anEndpointAllowsItsHostAndPort() {
        assertThat(HostRule.forEndpoint(URI.create("https://api.anthropic.com"), "AI_BASE_URL"))
                .isEqualTo(new HostRule("api.anthropic.com", 443, "AI_BASE_URL"));
        HostRule local = HostRule.forEndpoint(URI.create("http://127.0.0.1:4010/v1"), "AI_BASE_URL");
        assertThat(local.allows("127.0.0.1", 4010)).isTrue();
        assertThat(local.allows("127.0.0.1", 6379)).isFalse();
        assertThat(local.namesLocalAddress()).isTrue();
        assertThat(HostRule.parse("[::1]:8080", "x").allows("::1", 8080)).isTrue();
    }

    @Test
    void malformedEntriesNameTheSetting() {
        assertThatThrownBy(() -> HostRule.parse("http://x.com", "SANDBOX_ALLOWED_HOSTS")).isInstanceOf(ConfigurationException.class)
                .hasMessage("SANDBOX_ALLOWED_HOSTS: 'http://x.com' is not host, host:port or *.domain[:port]");
        assertThatThrownBy(() -> HostRule.parse("x.com:70000", "environment 'node' allowed_hosts"))
                .hasMessage("environment 'node' allowed_hosts: port 70000 in 'x.com:70000' is not between 1 and 65535");
    }
}
