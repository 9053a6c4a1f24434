package io.repobox.runner.config;

import io.repobox.redis.Redis;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/** Checks REDIS_URL before anything connects, and applies REDIS_PASSWORD to it. */
final class RedisUrls {

    private static final Set<String> SCHEMES = Set.of("redis", "rediss", "redis-sentinel", "rediss-sentinel", "redis-socket",
            "redis-cluster", "rediss-cluster");

    private RedisUrls() {
    }

    /** REDIS_URL checked, with REDIS_PASSWORD put into it when it has none of its own; null when unset. */
    static String effective(Settings s) {
        String url = s.string("REDIS_URL", null);
        String password = s.string("REDIS_PASSWORD", null);
        if (url == null) {
            return null;
        }
        String scheme = url.contains("://") ? url.substring(0, url.indexOf("://")).toLowerCase(Locale.ROOT) : "";
        if (!SCHEMES.contains(scheme)) {
            s.problem(s.origin("REDIS_URL") + " must start with redis://, rediss://, redis-sentinel://, redis-cluster:// or "
                    + "redis-socket://, got '" + Redis.redact(url) + "'");
            return url;
        }
        if (!scheme.equals("redis") && !scheme.equals("rediss") || url.contains(",")) {
            return scheme.equals("redis-socket") ? url : withPassword(url, password); // host lists: checked by the client
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            s.problem(s.origin("REDIS_URL") + " is not a valid URL (" + e.getReason() + "); use redis://[user:password@]host:port");
            return url;
        }
        if (uri.getHost() == null) {
            s.problem(s.origin("REDIS_URL") + " has no host or a malformed port: '" + Redis.redact(url) + "'");
            return url;
        }
        return withPassword(url, password);
    }

    /** {@code url} with {@code password} in its user info when it has none of its own. */
    static String withPassword(String url, String password) {
        if (password == null || password(url) != null) {
            return url;
        }
        // Percent-encoded in the user info; Lettuce decodes it.
        String encoded = URLEncoder.encode(password, StandardCharsets.UTF_8).replace("+", "%20");
        int start = url.indexOf("://") + 3;
        return url.substring(0, start) + ":" + encoded + "@" + url.substring(start);
    }

    /** The password inside a Redis URL, decoded, or null. */
    static String password(String url) {
        if (url == null) {
            return null;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("://(?:[^:@/]*:)?([^@/]+)@").matcher(url);
        if (!m.find()) {
            return null;
        }
        try {
            return URLDecoder.decode(m.group(1).replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return m.group(1);
        }
    }
}
