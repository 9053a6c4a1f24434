package io.repobox.agent.output;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecretMaskerTest {

    @Test
    void masksTheSecretAsWrittenUrlEncodedAndBase64() {
        String token = "glpat-a/b+c=d";
        SecretMasker masker = SecretMasker.of(List.of(token, "oauth2:" + token));
        String basic = Base64.getEncoder().encodeToString(("oauth2:" + token).getBytes(StandardCharsets.UTF_8));

        assertThat(masker.mask("token " + token + " end")).isEqualTo("token *** end");
        assertThat(masker.mask("https://oauth2:" + URLEncoder.encode(token, StandardCharsets.UTF_8) + "@host/x.git"))
                .isEqualTo("https://oauth2:***@host/x.git");
        assertThat(masker.mask("Authorization: Basic " + basic)).isEqualTo("Authorization: Basic ***");
    }

    @Test
    void leavesTextWithoutSecretsAloneAndIgnoresTooShortOrNullSecrets() {
        SecretMasker masker = SecretMasker.of(Arrays.asList("abc", null, "longsecret"));
        String text = "abc def";
        assertThat(masker.mask(text)).isSameAs(text);
        assertThat(SecretMasker.of(Arrays.asList("abc", null)).isEmpty()).isTrue();
    }

    @Test
    void aLongerSecretContainingAShorterOneIsMaskedWhole() {
        SecretMasker masker = SecretMasker.of(List.of("secret", "secret-and-more"));
        assertThat(masker.mask("x secret-and-more y secret")).isEqualTo("x *** y ***");
    }

    @Test
    void combinesMaskers() {
        SecretMasker both = SecretMasker.of(List.of("first-secret")).and(SecretMasker.of(List.of("second-secret")));
        assertThat(both.mask("first-secret second-secret")).isEqualTo("*** ***");
        assertThat(SecretMasker.none().and(both)).isSameAs(both);
    }
}
