package io.repobox.runner.git;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * HTTPS credentials for one job: the user git authenticates as ({@code oauth2} for GitLab, the
 * stored username for GitHub) and the token. {@link #toString()} never shows the token.
 */
public record GitCredentials(String username, String token) {

    public static GitCredentials forProvider(String type, String username, String token) {
        return new GitCredentials("gitlab".equalsIgnoreCase(type) || username == null || username.isBlank() ? "oauth2" : username, token);
    }

    /** Every form in which the token could leak: as is, and as the {@code user:token} of a Basic header. */
    public List<String> secrets() {
        return List.of(token, username + ":" + token, Base64.getEncoder().encodeToString((username + ":" + token)
                .getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public String toString() {
        return "GitCredentials[" + username + ", token hidden]";
    }
}
