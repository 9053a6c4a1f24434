package io.repobox.agent.process;

import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Which of this JVM's environment variables a child process does not inherit. Immutable and
 * thread-safe; start from {@link #secretsWithheld()} and add what the caller knows.
 *
 * <p>The library knows one rule only: a variable whose name says it holds a secret ({@code TOKEN},
 * {@code SECRET}, {@code PASSWORD}, {@code PASSWD}, {@code CREDENTIAL}, or a {@code KEY} word, such as
 * {@code GITLAB_TOKEN} or {@code AWS_SECRET_ACCESS_KEY}) is withheld. The caller knows its own
 * configuration and adds it: exact names with {@link #withholding(Collection)} and name prefixes with
 * {@link #withholdingPrefixes(Collection)}; a runner withholds its whole contract (its Redis URL, its
 * encryption key, its settings) so that no agent or hook reads them. Names are compared without
 * regard to case. Everything else (PATH, HOME, proxies, locale) is kept, so that settings reach the
 * child while secrets do not; a caller that means to give a secret to a child adds it back to the
 * child's environment explicitly (a provider does so with its one API key).
 */
public final class EnvironmentPolicy {

    /** Searched for anywhere in a name ({@code find}): matching the whole name against {@code .*(...).*} backtracks at every character. */
    private static final Pattern SECRET_NAME =
            Pattern.compile("TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|(^|_)(API_)?KEY($|_)");

    private static final EnvironmentPolicy SECRETS_WITHHELD = new EnvironmentPolicy(Set.of(), Set.of());

    private final Set<String> names;
    private final Set<String> prefixes;

    private EnvironmentPolicy(Set<String> names, Set<String> prefixes) {
        this.names = names;
        this.prefixes = prefixes;
    }

    /** Withholds the variables whose names say they hold secrets, and nothing else. */
    public static EnvironmentPolicy secretsWithheld() {
        return SECRETS_WITHHELD;
    }

    /** This policy, also withholding the variables named {@code more} (any case). */
    public EnvironmentPolicy withholding(Collection<String> more) {
        return new EnvironmentPolicy(union(names, more), prefixes);
    }

    /** This policy, also withholding the variables named {@code more} (any case). */
    public EnvironmentPolicy withholding(String... more) {
        return withholding(Arrays.asList(more));
    }

    /** This policy, also withholding every variable whose name starts with one of {@code more} (any case). */
    public EnvironmentPolicy withholdingPrefixes(Collection<String> more) {
        return new EnvironmentPolicy(names, union(prefixes, more));
    }

    /** This policy, also withholding every variable whose name starts with one of {@code more} (any case). */
    public EnvironmentPolicy withholdingPrefixes(String... more) {
        return withholdingPrefixes(Arrays.asList(more));
    }

    /** A new, mutable copy of this JVM's environment without what this policy withholds. */
    public Map<String, String> inherited() {
        return filter(System.getenv());
    }

    /** A new, mutable copy of {@code base} without what this policy withholds. */
    public Map<String, String> filter(Map<String, String> base) {
        Map<String, String> out = new LinkedHashMap<>();
        base.forEach((name, value) -> {
            if (!withholds(name)) {
                out.put(name, value);
            }
        });
        return out;
    }

    /** Whether a child does not inherit the variable {@code name}. */
    public boolean withholds(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        if (names.contains(upper)) {
            return true;
        }
        for (String prefix : prefixes) {
            if (upper.startsWith(prefix)) {
                return true;
            }
        }
        return SECRET_NAME.matcher(upper).find();
    }

    private static Set<String> union(Set<String> have, Collection<String> more) {
        Set<String> all = new TreeSet<>(have);
        for (String s : more) {
            String upper = Objects.requireNonNull(s, "name").toUpperCase(Locale.ROOT);
            if (upper.isEmpty()) {
                throw new IllegalArgumentException("an empty name or prefix would withhold every variable");
            }
            all.add(upper);
        }
        return Set.copyOf(all);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EnvironmentPolicy p && names.equals(p.names) && prefixes.equals(p.prefixes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(names, prefixes);
    }

    /** The names and prefixes withheld besides secret names; no values. */
    @Override
    public String toString() {
        return "EnvironmentPolicy[secret names, " + new TreeSet<>(names) + ", prefixes " + new TreeSet<>(prefixes) + "]";
    }
}
