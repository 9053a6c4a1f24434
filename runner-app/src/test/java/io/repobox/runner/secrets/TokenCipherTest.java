package io.repobox.runner.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class TokenCipherTest {

    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    private static final byte[] IV = "twelve-bytes".getBytes(StandardCharsets.UTF_8);

    @Test
    void decryptsWithEachOfTheThreeKeyForms() throws Exception {
        String stored = TokenCipher.fromKey(new String(KEY, StandardCharsets.UTF_8)).encrypt("glpat-secret-token", IV);

        assertThat(TokenCipher.fromKey(new String(KEY, StandardCharsets.UTF_8)).decrypt(stored)).isEqualTo("glpat-secret-token");
        assertThat(TokenCipher.fromKey(HexFormat.of().formatHex(KEY)).decrypt(stored)).isEqualTo("glpat-secret-token");
        assertThat(TokenCipher.fromKey(Base64.getEncoder().encodeToString(KEY)).decrypt(stored)).isEqualTo("glpat-secret-token");
    }

    @Test
    void aWrongKeyIsAClearErrorWithoutSecrets() throws Exception {
        String stored = TokenCipher.fromKey(new String(KEY, StandardCharsets.UTF_8)).encrypt("glpat-secret-token", IV);
        String otherKey = "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";

        assertThatThrownBy(() -> TokenCipher.fromKey(otherKey).decrypt(stored))
                .isInstanceOf(TokenCipher.DecryptionException.class)
                .hasMessage("the git token could not be decrypted: ENCRYPTION_KEY is not the key it was encrypted with")
                .message().doesNotContain(otherKey).doesNotContain(stored);
    }

    @Test
    void malformedValuesAreNamed() {
        TokenCipher cipher = TokenCipher.fromKey(new String(KEY, StandardCharsets.UTF_8));
        assertThatThrownBy(() -> cipher.decrypt("plain-token")).hasMessage("the stored token is not in the form iv:authTag:ciphertext");
        assertThatThrownBy(() -> cipher.decrypt("a:b:c!")).hasMessage("the stored token is not valid base64");
        assertThatThrownBy(() -> TokenCipher.fromKey("short")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ENCRYPTION_KEY must be 64 hex characters, 44 base64 characters (32 bytes) or 32 characters; it has 5 characters");
        assertThatThrownBy(() -> TokenCipher.fromKey("")).hasMessage("ENCRYPTION_KEY is not set; it is needed to decrypt git tokens");
    }
}
