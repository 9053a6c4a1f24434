package io.repobox.runner.sandbox;

import io.repobox.runner.config.ConfigurationException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One entry of the egress allowlist: {@code host}, {@code host:port}, {@code *.example.com[:port]}
 * (any subdomain, not the domain itself) or an IP literal ({@code [::1]:8080} for IPv6). Without a
 * port, 80 and 443 are allowed. {@code source} names the setting the rule came from, so that a
 * refusal can say which setting would allow the host.
 *
 * @param host   lower-case host name or IP literal (without brackets); {@code *.} prefix for a wildcard
 * @param port   the allowed port, or 0 for 80 and 443
 * @param source the setting that holds the rule (SANDBOX_ALLOWED_HOSTS, AI_BASE_URL, the environment's allowed_hosts)
 */
public record HostRule(String host, int port, String source) {

    private static final Pattern ENTRY = Pattern.compile(
            "(?<host>\\*\\.[a-z0-9.-]+|[a-z0-9_.-]+|\\[[0-9a-f:.]+])(?::(?<port>\\d{1,5}))?");

    /** Parses one entry; {@code source} names the setting in the error and in later refusals. */
    public static HostRule parse(String entry, String source) {
        Matcher m = ENTRY.matcher(entry.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new ConfigurationException(source + ": '" + entry + "' is not host, host:port or *.domain[:port]");
        }
        String host = m.group("host");
        if (host.startsWith("[")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.startsWith("*.") && host.length() < 4 || host.startsWith(".") || host.endsWith(".")) {
            throw new ConfigurationException(source + ": '" + entry + "' is not a valid host name");
        }
        int port = m.group("port") == null ? 0 : Integer.parseInt(m.group("port"));
        if (m.group("port") != null && (port < 1 || port > 65535)) {
            throw new ConfigurationException(source + ": port " + port + " in '" + entry + "' is not between 1 and 65535");
        }
        return new HostRule(host, port, source);
    }

    /** Parses every entry. */
    public static List<HostRule> parseAll(List<String> entries, String source) {
        List<HostRule> out = new ArrayList<>();
        for (String e : entries) {
            out.add(parse(e, source));
        }
        return out;
    }

    /** The rule for a model API endpoint: its host and its port (the scheme's default when the URL has none). */
    public static HostRule forEndpoint(URI endpoint, String source) {
        if (endpoint.getHost() == null) {
            throw new ConfigurationException(source + ": '" + endpoint + "' has no host");
        }
        int port = endpoint.getPort() > 0 ? endpoint.getPort() : "http".equalsIgnoreCase(endpoint.getScheme()) ? 80 : 443;
        String host = endpoint.getHost().toLowerCase(Locale.ROOT);
        if (host.startsWith("[")) {
            host = host.substring(1, host.length() - 1);
        }
        return new HostRule(host, port, source);
    }

    /** Whether {@code host:port} (host in lower case, IPv6 without brackets) is allowed by this rule. */
    public boolean allows(String host, int port) {
        boolean portOk = this.port == 0 ? port == 80 || port == 443 : port == this.port;
        if (!portOk) {
            return false;
        }
        if (this.host.startsWith("*.")) {
            return host.endsWith(this.host.substring(1)) && host.length() > this.host.length() - 1;
        }
        return host.equals(this.host);
    }

    /** Whether the rule names a loopback or link-local address itself (then it may be reached though others may not). */
    public boolean namesLocalAddress() {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.startsWith("169.254.")
                || host.startsWith("fe80:");
    }

    @Override
    public String toString() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return port == 0 ? h : h + ":" + port;
    }
}
