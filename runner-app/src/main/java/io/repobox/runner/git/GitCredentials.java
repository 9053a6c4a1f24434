package io.repobox.runner.git;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * HTTPS credentials for one job: the user git authenticates as ({@code oauth2} for GitLab, the
 * stored username for GitHub), the token, and the host of the git provider they belong to (the only
 * host they are ever offered to; null when the provider names none). {@link #toString()} never shows the token.
 */
public record GitCredentials(String username, String token, String providerHost) {

    /**
     * @param providerUrl the provider's {@code url} field (e.g. {@code https://gitlab.example.com}); a
     *                    provider without one can only be used with local repositories
     */
    public static GitCredentials forProvider(String type, String providerUrl, String username, String token) {
        String host = host(providerUrl);
        return new GitCredentials("gitlab".equalsIgnoreCase(type) || username == null || username.isBlank() ? "oauth2" : username,
                token, host);
    }

    /**
     * Refuses a repository that is not on the provider's host: the token goes to that host only.
     * Local repositories (ALLOW_LOCAL_REPOS) have no host and never see the token.
     */
    public void requireProviderHost(RepositoryUrls.Accepted url) throws RepositoryUrls.RejectedUrlException {
        if (url.kind() == RepositoryUrls.Kind.LOCAL) {
            return;
        }
        if (providerHost == null) {
            throw new RepositoryUrls.RejectedUrlException("the git provider of this job has no url naming its host; the token is "
                    + "sent to that host only, so set the provider's url (e.g. https://gitlab.example.com)");
        }
        String repoHost = host(url.url());
        // ssh never sees the token; its port is not the provider's web port
        String expected = url.kind() == RepositoryUrls.Kind.SSH ? providerHost.replaceFirst(":\\d+$", "") : providerHost;
        if (repoHost == null || !repoHost.equals(expected)) {
            throw new RepositoryUrls.RejectedUrlException("the repository " + RepositoryUrls.shown(url.url())
                    + " is not on the git provider's host " + providerHost + "; the token is sent to that host only (check the "
                    + "job's repo_url or the provider's url)");
        }
    }

    /** The lower-case host of an https, ssh or scp-like URL, with its port when it is not the default one; null if none. */
    static String host(String url) {
        if (url == null || url.isBlank()) {
            return null;
        }
        String u = url.trim();
        if (!u.contains("://") && u.matches("[^/@:]+@[^/:]+:.*")) { // scp-like user@host:path
            return u.substring(u.indexOf('@') + 1, u.indexOf(':', u.indexOf('@'))).toLowerCase(Locale.ROOT);
        }
        if (!u.contains("://")) {
            u = "https://" + u; // a provider url given as a bare host name
        }
        try {
            URI uri = new URI(u);
            if (uri.getHost() == null) {
                return null;
            }
            String host = uri.getHost().toLowerCase(Locale.ROOT);
            boolean defaultPort = uri.getPort() == -1 || uri.getPort() == 443 && "https".equalsIgnoreCase(uri.getScheme());
            return defaultPort || "ssh".equalsIgnoreCase(uri.getScheme()) ? host : host + ":" + uri.getPort();
        } catch (URISyntaxException e) {
            return null;
        }
    }

    /** Every form in which the token could leak: as is, and as the {@code user:token} of a Basic header. */
    public List<String> secrets() {
        return List.of(token, username + ":" + token, Base64.getEncoder().encodeToString((username + ":" + token)
                .getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public String toString() {
        return "GitCredentials[" + username + ", token hidden, " + providerHost + "]";
    }
}
