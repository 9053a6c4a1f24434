package io.repobox.runner.secrets;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Decrypts git tokens stored by the web app: AES-256-GCM, written as three base64 parts
 * {@code iv:authTag:ciphertext} (IV 12 bytes, tag 16 bytes). The key (ENCRYPTION_KEY) is 64 hex
 * characters, or 44 base64 characters decoding to 32 bytes, or 32 raw characters. Messages never
 * contain the key, the token or the ciphertext.
 */
public final class TokenCipher {

    /** Decryption failed; the message says why in words a user can act on. */
    public static final class DecryptionException extends Exception {
        private static final long serialVersionUID = 1L;

        DecryptionException(String message) {
            super(message);
        }
    }

    private final SecretKeySpec key;

    private TokenCipher(byte[] key) {
        this.key = new SecretKeySpec(key, "AES");
    }

    /** @throws IllegalArgumentException if the key has none of the three accepted forms */
    public static TokenCipher fromKey(String encryptionKey) {
        return new TokenCipher(parseKey(encryptionKey));
    }

    static byte[] parseKey(String k) {
        if (k == null || k.isEmpty()) {
            throw new IllegalArgumentException("ENCRYPTION_KEY is not set; it is needed to decrypt git tokens");
        }
        if (k.length() == 64 && k.matches("[0-9a-fA-F]{64}")) {
            return HexFormat.of().parseHex(k);
        }
        if (k.length() == 44) {
            try {
                byte[] b = Base64.getDecoder().decode(k);
                if (b.length == 32) {
                    return b;
                }
            } catch (IllegalArgumentException e) {
                // not base64: fall through
            }
        }
        byte[] raw = k.getBytes(StandardCharsets.UTF_8);
        if (k.length() == 32 && raw.length == 32) {
            return raw;
        }
        throw new IllegalArgumentException("ENCRYPTION_KEY must be 64 hex characters, 44 base64 characters (32 bytes) or 32 "
                + "characters; it has " + k.length() + " characters");
    }

    /** Decrypts {@code iv:authTag:ciphertext}. */
    public String decrypt(String stored) throws DecryptionException {
        String[] parts = stored == null ? new String[0] : stored.split(":");
        if (parts.length != 3) {
            throw new DecryptionException("the stored token is not in the form iv:authTag:ciphertext");
        }
        byte[] iv;
        byte[] tag;
        byte[] ciphertext;
        try {
            iv = Base64.getDecoder().decode(parts[0]);
            tag = Base64.getDecoder().decode(parts[1]);
            ciphertext = Base64.getDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            throw new DecryptionException("the stored token is not valid base64");
        }
        if (iv.length != 12 || tag.length != 16) {
            throw new DecryptionException("the stored token has an IV of " + iv.length + " bytes and a tag of " + tag.length
                    + " bytes; expected 12 and 16");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, iv));
            byte[] joined = new byte[ciphertext.length + tag.length];
            System.arraycopy(ciphertext, 0, joined, 0, ciphertext.length);
            System.arraycopy(tag, 0, joined, ciphertext.length, tag.length);
            return new String(cipher.doFinal(joined), StandardCharsets.UTF_8);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new DecryptionException("the git token could not be decrypted: ENCRYPTION_KEY is not the key it was encrypted with");
        } catch (GeneralSecurityException e) {
            throw new DecryptionException("the git token could not be decrypted (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** Encrypts like the web app does; for {@code submit} and tests. */
    public String encrypt(String token, byte[] iv) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
        byte[] out = cipher.doFinal(token.getBytes(StandardCharsets.UTF_8));
        byte[] ciphertext = java.util.Arrays.copyOfRange(out, 0, out.length - 16);
        byte[] tag = java.util.Arrays.copyOfRange(out, out.length - 16, out.length);
        Base64.Encoder b64 = Base64.getEncoder();
        return b64.encodeToString(iv) + ":" + b64.encodeToString(tag) + ":" + b64.encodeToString(ciphertext);
    }
}
