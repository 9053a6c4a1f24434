package io.repobox.agent.output;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Replaces secrets in text with {@value #MASK}.
 *
 * <p>Each secret is masked as written and in the forms in which it leaks in practice: URL-encoded
 * (a token inside a clone URL), and base64-encoded (an HTTP Basic {@code user:token} header; pass
 * {@code user:token} itself as a secret to cover that form). Secrets shorter than
 * {@value #MIN_LENGTH} characters are ignored: masking every "abc" in an agent's output would
 * destroy it and still not hide a secret that short. Instances are immutable and thread-safe.
 */
public final class SecretMasker {

    /** What a secret is replaced with. */
    public static final String MASK = "***";

    /** The shortest secret that is masked. */
    public static final int MIN_LENGTH = 4;

    private static final SecretMasker NONE = new SecretMasker(List.of());

    private final List<String> needles;

    private SecretMasker(List<String> needles) {
        this.needles = needles;
    }

    /** A masker that changes nothing. */
    public static SecretMasker none() {
        return NONE;
    }

    /** A masker for {@code secrets} (null and short entries are skipped). */
    public static SecretMasker of(Collection<String> secrets) {
        Set<String> forms = new LinkedHashSet<>();
        for (String secret : secrets) {
            if (secret == null || secret.length() < MIN_LENGTH) {
                continue;
            }
            forms.add(secret);
            forms.add(URLEncoder.encode(secret, StandardCharsets.UTF_8));
            forms.add(URLEncoder.encode(secret, StandardCharsets.UTF_8).replace("+", "%20"));
            byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
            forms.add(Base64.getEncoder().encodeToString(bytes));
            forms.add(Base64.getEncoder().withoutPadding().encodeToString(bytes));
            forms.add(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
        }
        // Longest first, so that a secret containing another is masked whole.
        List<String> ordered = forms.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
        return ordered.isEmpty() ? NONE : new SecretMasker(ordered);
    }

    /** A masker for the secrets of both this masker and {@code other}. */
    public SecretMasker and(SecretMasker other) {
        if (other.needles.isEmpty()) {
            return this;
        }
        if (needles.isEmpty()) {
            return other;
        }
        Set<String> all = new LinkedHashSet<>(needles);
        all.addAll(other.needles);
        return new SecretMasker(all.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList());
    }

    /** Whether this masker masks anything at all. */
    public boolean isEmpty() {
        return needles.isEmpty();
    }

    /** {@code text} with every secret replaced; the same instance when nothing matched. */
    public String mask(String text) {
        String out = text;
        for (String needle : needles) {
            if (out.contains(needle)) {
                out = out.replace(needle, MASK);
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "SecretMasker[" + needles.size() + " forms]";
    }
}
