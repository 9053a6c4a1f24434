package io.repobox.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * The packages of agent-api depend on each other in one direction only (spi → agent → process →
 * process.internal, and everything → output), so that each can be read, and changed, without the
 * ones above it. The JDK's own {@code jdeps} reads the compiled classes; a cycle fails the build,
 * naming the packages and the way round.
 */
class PackageCyclesTest {

    private static final Pattern EDGE = Pattern.compile("^\\s+(io\\.repobox\\.\\S+)\\s+->\\s+(io\\.repobox\\.\\S+)\\s");

    @Test
    void noPackageDependsOnItselfThroughAnother() throws Exception {
        Map<String, Set<String>> graph = dependencies(Path.of(AgentConfig.class.getProtectionDomain().getCodeSource().getLocation().toURI()));

        assertThat(graph).as("jdeps found the packages").containsKeys("io.repobox.agent", "io.repobox.agent.spi",
                "io.repobox.agent.process", "io.repobox.agent.process.internal", "io.repobox.agent.output");
        assertThat(cycles(graph)).as("package cycles").isEmpty();
    }

    @Test
    void findsACycleWhenThereIsOne() {
        Map<String, Set<String>> graph = Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"), "d", Set.of("a"));

        assertThat(cycles(graph)).containsExactly("a -> b -> c -> a");
    }

    /** Package → the other packages of this project it uses, as jdeps reports them. */
    private static Map<String, Set<String>> dependencies(Path classes) {
        Optional<ToolProvider> jdeps = ToolProvider.findFirst("jdeps");
        assertThat(jdeps).as("jdeps (the build needs a JDK, not a JRE)").isPresent();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = jdeps.get().run(new PrintWriter(out, true), new PrintWriter(err, true), "-verbose:package", "-filter:none",
                classes.toString());
        assertThat(code).as("jdeps exit code; stderr: %s", err).isZero();
        Map<String, Set<String>> graph = new TreeMap<>();
        for (String line : out.toString().split("\n")) {
            Matcher m = EDGE.matcher(line);
            if (m.find()) {
                graph.computeIfAbsent(m.group(1), k -> new TreeSet<>());
                graph.computeIfAbsent(m.group(2), k -> new TreeSet<>());
                if (!m.group(1).equals(m.group(2))) {
                    graph.get(m.group(1)).add(m.group(2));
                }
            }
        }
        return graph;
    }

    /** Each cycle once, as "a -> b -> a", found by a depth-first walk from every package in order. */
    static List<String> cycles(Map<String, Set<String>> graph) {
        List<String> found = new ArrayList<>();
        Set<String> done = new TreeSet<>();
        for (String start : new TreeSet<>(graph.keySet())) {
            walk(start, graph, new ArrayDeque<>(), done, found);
        }
        return found;
    }

    private static void walk(String node, Map<String, Set<String>> graph, Deque<String> path, Set<String> done, List<String> found) {
        if (path.contains(node)) {
            List<String> way = new ArrayList<>(path);
            Collections.reverse(way);
            List<String> cycle = new ArrayList<>(way.subList(way.indexOf(node), way.size()));
            cycle.add(node);
            found.add(String.join(" -> ", cycle));
            return;
        }
        if (!done.add(node)) {
            return;
        }
        path.push(node);
        for (String next : graph.getOrDefault(node, Set.of())) {
            walk(next, graph, path, done, found);
        }
        path.pop();
    }
}
