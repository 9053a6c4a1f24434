package io.repobox.agent.spi;

import java.net.URL;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent providers found on a class path, through {@link ServiceLoader}.
 *
 * <p>Discovery reports rather than fails: a provider that cannot be loaded is listed in
 * {@link #problems()} and the others stay usable; two providers with one name are reported, and
 * asking for that name fails naming both classes. Instances are immutable and thread-safe.
 */
public final class AgentProviders {

    private static final Logger log = LoggerFactory.getLogger(AgentProviders.class);

    /** Bounds the iteration if a broken services file keeps failing at the same entry. */
    private static final int MAX_LOAD_ERRORS = 100;

    /**
     * A provider found on the class path.
     *
     * @param name      the provider's name
     * @param className its implementation class
     * @param location  where the class was loaded from (a jar or a directory), or "unknown"
     * @param provider  the provider instance
     */
    public record Found(String name, String className, String location, AgentProvider provider) {
    }

    private final List<Found> found;
    private final List<String> problems;
    private final Map<String, List<Found>> byName;

    private AgentProviders(List<Found> found, List<String> problems) {
        this.found = List.copyOf(found);
        this.problems = List.copyOf(problems);
        Map<String, List<Found>> index = new LinkedHashMap<>();
        for (Found f : found) {
            index.computeIfAbsent(f.name(), k -> new ArrayList<>()).add(f);
        }
        index.forEach((name, list) -> {
            if (list.size() > 1) {
                log.warn(duplicateMessage(name, list));
            }
        });
        this.byName = index;
    }

    /** The providers visible to the thread's context class loader (or this class's loader). */
    public static AgentProviders load() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return load(loader != null ? loader : AgentProviders.class.getClassLoader());
    }

    /** The providers visible to {@code loader}. */
    public static AgentProviders load(ClassLoader loader) {
        List<Found> found = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Iterator<AgentProvider> it = ServiceLoader.load(AgentProvider.class, loader).iterator();
        int errors = 0;
        while (errors < MAX_LOAD_ERRORS) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                AgentProvider provider = it.next();
                String name = Objects.requireNonNull(provider.name(), "name()");
                found.add(new Found(name, provider.getClass().getName(), locationOf(provider.getClass()), provider));
                log.debug("Found agent provider '{}' ({}) in {}", name, provider.getClass().getName(),
                        locationOf(provider.getClass()));
            } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
                errors++;
                String problem = "An agent provider could not be loaded and was skipped: " + rootMessage(e);
                problems.add(problem);
                log.warn(problem);
            }
        }
        return new AgentProviders(found, problems);
    }

    /** Builds a view over given providers, for tests and for services that register providers by hand. */
    public static AgentProviders of(List<AgentProvider> providers) {
        return new AgentProviders(providers.stream()
                .map(p -> new Found(p.name(), p.getClass().getName(), locationOf(p.getClass()), p)).toList(), List.of());
    }

    /**
     * The provider named {@code name}.
     *
     * @throws ProviderLookupException if none is named so, if two are, or if there is none at all;
     *                                 the message says what is available and what to add
     */
    public AgentProvider get(String name) {
        List<Found> matches = byName.get(name);
        if (matches == null) {
            throw new ProviderLookupException(found.isEmpty() ? noProviderMessage() : unknownMessage(name));
        }
        if (matches.size() > 1) {
            throw new ProviderLookupException(duplicateMessage(name, matches));
        }
        return matches.get(0).provider();
    }

    /** All providers found, in discovery order (duplicates included). */
    public List<Found> providers() {
        return found;
    }

    /** What went wrong while loading, one sentence each. */
    public List<String> problems() {
        return problems;
    }

    private String noProviderMessage() {
        return "No agent provider is on the classpath. Add the artifact io.repobox:agent-claude (runs the Claude Code "
                + "CLI) or io.repobox:agent-fake (the dry-run agent) to the classpath." + problemsSuffix();
    }

    private String unknownMessage(String name) {
        return "No agent provider is named '" + name + "'. Available: "
                + String.join(", ", byName.keySet()) + "." + problemsSuffix();
    }

    private static String duplicateMessage(String name, List<Found> matches) {
        return "Two agent providers are named '" + name + "': " + matches.stream()
                .map(f -> f.className() + " (" + f.location() + ")").collect(Collectors.joining(" and "))
                + ". Remove one of them from the classpath.";
    }

    private String problemsSuffix() {
        return problems.isEmpty() ? "" : " " + String.join(" ", problems);
    }

    private static String locationOf(Class<?> type) {
        try {
            CodeSource source = type.getProtectionDomain().getCodeSource();
            URL url = source == null ? null : source.getLocation();
            return url == null ? "unknown" : url.getPath();
        } catch (SecurityException e) {
            return "unknown";
        }
    }

    private static String rootMessage(Throwable e) {
        StringBuilder out = new StringBuilder(String.valueOf(e.getMessage()));
        Throwable cause = e.getCause();
        while (cause != null && cause != cause.getCause()) {
            out.append(" (caused by ").append(cause.getClass().getSimpleName()).append(": ").append(cause.getMessage()).append(')');
            cause = cause.getCause();
        }
        return out.toString();
    }
}
