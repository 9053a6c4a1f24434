package io.repobox.runner.sandbox;

import io.repobox.runner.config.ConfigurationException;
import io.repobox.runner.config.RunnerConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The runner-wide sandbox settings (the SANDBOX* variables), parsed and checked once.
 *
 * @param mode         SANDBOX: required, auto or none
 * @param network      SANDBOX_NETWORK: allowlist, host or none
 * @param allowedHosts SANDBOX_ALLOWED_HOSTS, as written (checked by {@link HostRule#parse})
 * @param maxProcesses SANDBOX_MAX_PROCESSES
 * @param maxMemory    SANDBOX_MAX_MEMORY in bytes
 * @param maxWorkspace SANDBOX_MAX_WORKSPACE in bytes
 * @param bwrapPath    SANDBOX_BWRAP_PATH, or null to look for {@code bwrap} on PATH
 */
public record SandboxSettings(Mode mode, Network network, List<String> allowedHosts, int maxProcesses, long maxMemory,
                              long maxWorkspace, Path bwrapPath) {

    /** SANDBOX. */
    public enum Mode {
        /** Every agent and hook is confined; a runner that cannot build the sandbox refuses to start. */
        REQUIRED,
        /** Confined when possible; one warning otherwise. */
        AUTO,
        /** Never confined (warned at every start). */
        NONE
    }

    /** SANDBOX_NETWORK. */
    public enum Network {
        /** Own network namespace; out only through the runner's egress proxy to allowed hosts. */
        ALLOWLIST,
        /** The host's network. */
        HOST,
        /** No network at all. */
        NONE
    }

    public static final int DEFAULT_MAX_PROCESSES = 512;
    public static final long DEFAULT_MAX_MEMORY = 4L << 30;
    public static final long DEFAULT_MAX_WORKSPACE = 5L << 30;

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmgt]?)i?b?", Pattern.CASE_INSENSITIVE);

    public SandboxSettings {
        allowedHosts = List.copyOf(allowedHosts);
        HostRule.parseAll(allowedHosts, "SANDBOX_ALLOWED_HOSTS"); // fails now rather than at the first job
    }

    /** The defaults, with {@code mode}. */
    public static SandboxSettings defaults(Mode mode) {
        return new SandboxSettings(mode, Network.ALLOWLIST, List.of(), DEFAULT_MAX_PROCESSES, DEFAULT_MAX_MEMORY,
                DEFAULT_MAX_WORKSPACE, null);
    }

    /** Reads the SANDBOX* variables; {@code defaultMode} is the command's (required for serve, auto for run). */
    public static SandboxSettings from(RunnerConfig config, Mode defaultMode) {
        Mode mode = choice(Mode.class, "SANDBOX", config.string("SANDBOX", null), defaultMode);
        Network network = choice(Network.class, "SANDBOX_NETWORK", config.string("SANDBOX_NETWORK", null), Network.ALLOWLIST);
        String hosts = config.string("SANDBOX_ALLOWED_HOSTS", "");
        List<String> allowed = hosts.isBlank() ? List.of()
                : List.of(hosts.split(",")).stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
        int processes = (int) Math.min(Integer.MAX_VALUE, positive("SANDBOX_MAX_PROCESSES",
                config.string("SANDBOX_MAX_PROCESSES", null), DEFAULT_MAX_PROCESSES, false));
        long memory = positive("SANDBOX_MAX_MEMORY", config.string("SANDBOX_MAX_MEMORY", null), DEFAULT_MAX_MEMORY, true);
        long workspace = positive("SANDBOX_MAX_WORKSPACE", config.string("SANDBOX_MAX_WORKSPACE", null), DEFAULT_MAX_WORKSPACE, true);
        String bwrap = config.string("SANDBOX_BWRAP_PATH", null);
        return new SandboxSettings(mode, network, allowed, processes, memory, workspace, bwrap == null ? null : Path.of(bwrap));
    }

    /** A size such as {@code 4g}, {@code 512m}, {@code 1048576}; binary units. */
    public static long parseSize(String name, String text) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            throw new ConfigurationException(name + " must be a size such as 512m, 4g or a number of bytes, got '" + text + "'");
        }
        int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            default -> 0;
        };
        try {
            long n = Long.parseLong(m.group(1));
            if (n < 1 || n > (Long.MAX_VALUE >> shift)) {
                throw new NumberFormatException();
            }
            return n << shift;
        } catch (NumberFormatException e) {
            throw new ConfigurationException(name + " must be at least 1 byte and fit in 8 EiB, got '" + text + "'");
        }
    }

    /** {@code bytes} as the settings write it (4g, 512m, 100k, 7). */
    public static String formatSize(long bytes) {
        String[] units = {"t", "g", "m", "k"};
        int[] shifts = {40, 30, 20, 10};
        for (int i = 0; i < units.length; i++) {
            if (bytes >= (1L << shifts[i]) && bytes % (1L << shifts[i]) == 0) {
                return (bytes >> shifts[i]) + units[i];
            }
        }
        return Long.toString(bytes);
    }

    private static long positive(String name, String text, long defaultValue, boolean size) {
        if (text == null) {
            return defaultValue;
        }
        if (size) {
            return parseSize(name, text);
        }
        try {
            long n = Long.parseLong(text.trim());
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ConfigurationException(name + " must be a whole number of at least 1, got '" + text + "'");
        }
    }

    private static <E extends Enum<E>> E choice(Class<E> type, String name, String text, E defaultValue) {
        if (text == null) {
            return defaultValue;
        }
        try {
            return Enum.valueOf(type, text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            List<String> names = java.util.Arrays.stream(type.getEnumConstants()).map(c -> c.name().toLowerCase(Locale.ROOT)).toList();
            throw new ConfigurationException(name + " must be one of " + String.join(", ", names) + ", got '" + text + "'");
        }
    }
}
