package io.repobox.agent;

import java.util.List;
import java.util.Objects;

/**
 * Whether a provider can run on this machine with its configuration, and why not.
 *
 * @param ready   true if a request could start now
 * @param summary one line, e.g. "claude 2.0.14 at /usr/local/bin/claude; API key set"
 * @param problems what to fix, one sentence each; empty when ready
 */
public record Readiness(boolean ready, String summary, List<String> problems) {

    public Readiness {
        Objects.requireNonNull(summary, "summary");
        problems = List.copyOf(problems);
    }

    public static Readiness ready(String summary) {
        return new Readiness(true, summary, List.of());
    }

    public static Readiness notReady(String summary, List<String> problems) {
        return new Readiness(false, summary, problems);
    }
}
