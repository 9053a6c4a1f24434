package io.repobox.runner.git;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Decides which repository URLs a runner accepts. By default https and ssh only (git's other
 * transports, {@code ext::} above all, can run commands); local paths and {@code file://} only when
 * ALLOW_LOCAL_REPOS is set. Credentials inside a URL are refused: they would end up in logs and in
 * the clone's configuration; they belong in a git provider.
 */
public final class RepositoryUrls {

    /** Which kind of URL a repository has. */
    public enum Kind { HTTPS, SSH, LOCAL }

    /** An accepted URL, and its kind. */
    public record Accepted(String url, Kind kind) {
    }

    /** A URL that is refused; the message says why and what to do. */
    public static final class RejectedUrlException extends Exception {
        private static final long serialVersionUID = 1L;

        RejectedUrlException(String message) {
            super(message);
        }
    }

    private static final Pattern SCP_LIKE = Pattern.compile("[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^:\\\\].*");

    private RepositoryUrls() {
    }

    public static Accepted check(String url, boolean allowLocal) throws RejectedUrlException {
        if (url == null || url.isBlank()) {
            throw new RejectedUrlException("the job has no repository URL");
        }
        String u = url.trim();
        if (u.startsWith("-")) {
            throw new RejectedUrlException("repository URL " + shown(u) + " starts with '-'");
        }
        if (u.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new RejectedUrlException("repository URL " + shown(u) + " contains control characters");
        }
        String lower = u.toLowerCase(Locale.ROOT);
        if (lower.startsWith("https://")) {
            URI uri = parse(u);
            if (uri.getRawUserInfo() != null) {
                throw new RejectedUrlException("repository URL " + shown(u) + " contains credentials; remove them and give the "
                        + "token through a git provider instead");
            }
            if (uri.getHost() == null) {
                throw new RejectedUrlException("repository URL " + shown(u) + " has no host");
            }
            return new Accepted(u, Kind.HTTPS);
        }
        if (lower.startsWith("ssh://")) {
            URI uri = parse(u);
            if (uri.getHost() == null) {
                throw new RejectedUrlException("repository URL " + shown(u) + " has no host");
            }
            return new Accepted(u, Kind.SSH);
        }
        if (SCP_LIKE.matcher(u).matches() && !u.contains("::")) {
            return new Accepted(u, Kind.SSH);
        }
        boolean local = lower.startsWith("file://") || u.startsWith("/") || u.startsWith("./") || u.startsWith("../");
        if (local) {
            if (!allowLocal) {
                throw new RejectedUrlException("repository URL " + shown(u) + " is a local path; this runner accepts only https and "
                        + "ssh URLs (set ALLOW_LOCAL_REPOS=true to allow local repositories)");
            }
            return new Accepted(u, Kind.LOCAL);
        }
        throw new RejectedUrlException("repository URL " + shown(u) + " uses a transport this runner does not allow; use an "
                + "https:// or ssh URL");
    }

    /** The {@code host[:port]} of an https URL as written (what git's credential requests name), or null for other kinds. */
    public static String authority(Accepted url) {
        return url.kind() == Kind.HTTPS ? URI.create(url.url()).getRawAuthority() : null;
    }

    /** The git transports (GIT_ALLOW_PROTOCOL) the runner's git commands may use. */
    public static String allowedProtocols(boolean allowLocal) {
        return allowLocal ? "https:ssh:file" : "https:ssh";
    }

    private static URI parse(String u) throws RejectedUrlException {
        try {
            return new URI(u);
        } catch (URISyntaxException e) {
            throw new RejectedUrlException("repository URL " + shown(u) + " is not a valid URL");
        }
    }

    /** The URL for a message: bounded, control characters replaced, and any credentials hidden. */
    static String shown(String u) {
        String s = u.replaceAll("//[^/@]*@", "//***@");
        s = s.length() > 200 ? s.substring(0, 200) + "…" : s;
        return "'" + s.replaceAll("[\\p{Cntrl}]", "?") + "'";
    }
}
