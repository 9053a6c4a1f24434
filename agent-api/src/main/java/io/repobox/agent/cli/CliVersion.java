package io.repobox.agent.cli;

import io.repobox.agent.process.ProcessResult;
import io.repobox.agent.process.ProcessRunner;
import io.repobox.agent.process.ProcessSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code <cli> --version} says: the first x.y.z it prints. Providers read their CLI's version
 * once, to report it and to refuse versions they do not support.
 *
 * @param version the version, or null when it could not be read
 * @param error   what went wrong when it could not be read, else null
 */
public record CliVersion(String version, String error) {

    private static final Pattern SEMVER = Pattern.compile("(\\d+)\\.(\\d+)\\.(\\d+)");

    /** Runs {@code cliPath --version} with {@code environment} (a short timeout: it must answer at once). */
    public static CliVersion probe(String cliPath, Map<String, String> environment) {
        List<String> out = new ArrayList<>();
        ProcessResult r;
        try {
            r = ProcessRunner.run(ProcessSpec.builder(List.of(cliPath, "--version")).name(cliPath + " --version")
                    .workingDirectory(Path.of(System.getProperty("java.io.tmpdir"))).environment(environment)
                    .timeout(Duration.ofSeconds(30)).gracePeriod(Duration.ofSeconds(2)).build(), (stream, text, ts) -> {
                        synchronized (out) {
                            out.add(text);
                        }
                    });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new CliVersion(null, "interrupted while running " + cliPath + " --version");
        }
        if (!r.isSuccess()) {
            return new CliVersion(null, r.describe("'" + cliPath + " --version'"));
        }
        synchronized (out) {
            for (String line : out) {
                Matcher m = SEMVER.matcher(line);
                if (m.find()) {
                    return new CliVersion(m.group(), null);
                }
            }
            return new CliVersion(null, "'" + cliPath + " --version' printed no version: " + String.join(" ", out));
        }
    }

    /** Whether {@code version} is at least {@code minimum} (both x.y.z). */
    public static boolean atLeast(String version, String minimum) {
        int[] a = parts(version);
        int[] b = parts(minimum);
        for (int i = 0; i < 3; i++) {
            if (a[i] != b[i]) {
                return a[i] > b[i];
            }
        }
        return true;
    }

    private static int[] parts(String v) {
        Matcher m = SEMVER.matcher(v);
        if (!m.find()) {
            throw new IllegalArgumentException("not a version: " + v);
        }
        return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))};
    }
}
