package io.repobox.runner.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.repobox.runner.git.RepositoryUrls.Kind;
import org.junit.jupiter.api.Test;

class RepositoryUrlsTest {

    @Test
    void acceptsHttpsAndSsh() throws Exception {
        assertThat(RepositoryUrls.check("https://gitlab.com/group/app.git", false).kind()).isEqualTo(Kind.HTTPS);
        assertThat(RepositoryUrls.check("ssh://git@github.com/org/app.git", false).kind()).isEqualTo(Kind.SSH);
        assertThat(RepositoryUrls.check("git@github.com:org/app.git", false).kind()).isEqualTo(Kind.SSH);
    }

    @Test
    void refusesTransportsThatCanRunCommands() {
        assertThatThrownBy(() -> RepositoryUrls.check("ext::sh -c touch% /tmp/pwned", false))
                .hasMessage("repository URL 'ext::sh -c touch% /tmp/pwned' uses a transport this runner does not allow; use an https:// or ssh URL");
        assertThatThrownBy(() -> RepositoryUrls.check("fd::17", true)).hasMessageContaining("transport this runner does not allow");
        assertThatThrownBy(() -> RepositoryUrls.check("http://example.com/a.git", false)).hasMessageContaining("transport");
        assertThatThrownBy(() -> RepositoryUrls.check("--upload-pack=touch /tmp/x", true)).hasMessage("repository URL '--upload-pack=touch /tmp/x' starts with '-'");
    }

    @Test
    void localRepositoriesOnlyWhenAllowed() throws Exception {
        assertThatThrownBy(() -> RepositoryUrls.check("file:///srv/repo.git", false))
                .hasMessage("repository URL 'file:///srv/repo.git' is a local path; this runner accepts only https and ssh URLs "
                        + "(set ALLOW_LOCAL_REPOS=true to allow local repositories)");
        assertThat(RepositoryUrls.check("/srv/repo.git", true).kind()).isEqualTo(Kind.LOCAL);
        assertThat(RepositoryUrls.allowedProtocols(false)).isEqualTo("https:ssh");
    }

    @Test
    void credentialsInTheUrlAreRefusedAndNotRepeated() {
        assertThatThrownBy(() -> RepositoryUrls.check("https://oauth2:glpat-xyz@gitlab.com/a.git", false))
                .hasMessage("repository URL 'https://***@gitlab.com/a.git' contains credentials; remove them and give the token through a git provider instead");
    }
}
