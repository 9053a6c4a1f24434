package io.repobox.agent.process;

import io.repobox.agent.output.SecretMasker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What to run and how. Immutable; build one with {@link #builder(List)}.
 *
 * @param command          the program and its arguments; never passed through a shell
 * @param workingDirectory where the program runs
 * @param environment      the child's complete environment (nothing else is inherited); by
 *                         default {@code EnvironmentPolicy.secretsWithheld().inherited()}
 * @param stdin            what the child reads on standard input, written while the outputs are
 *                         already being read, then closed; empty means the child sees end of input at once
 * @param timeout          how long the process may run before its tree is stopped; null for no limit
 * @param idleTimeout      how long the tree may print nothing (no byte on stdout or stderr, from any
 *                         process that holds the pipes) before it is stopped as hung
 *                         ({@link ProcessResult.Outcome#IDLE}); null for no limit
 * @param gracePeriod      how long the tree gets between SIGTERM and SIGKILL
 * @param drainTimeout     how long the readers may go on after the tree is gone before the pipes are
 *                         abandoned (a process outside the tree can hold them open)
 * @param maxLineBytes     the longest line, in bytes; longer lines are split into several
 * @param masker           applied to every line before it reaches the handler or the stderr tail
 * @param name             names the execution in logs ("agent", "git clone")
 */
public record ProcessSpec(List<String> command, Path workingDirectory, Map<String, String> environment, byte[] stdin,
                          Duration timeout, Duration idleTimeout, Duration gracePeriod, Duration drainTimeout, int maxLineBytes,
                          SecretMasker masker, String name) {

    /** The default grace period between SIGTERM and SIGKILL. */
    public static final Duration DEFAULT_GRACE_PERIOD = Duration.ofSeconds(10);
    /** The default time the readers get after the tree is gone. */
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(5);
    /** The default longest line: 16 KiB. */
    public static final int DEFAULT_MAX_LINE_BYTES = 16 * 1024;
    /** The shortest allowed maximum line length. */
    public static final int MIN_MAX_LINE_BYTES = 64;

    public ProcessSpec {
        command = List.copyOf(command);
        if (command.isEmpty() || command.get(0).isEmpty()) {
            throw new IllegalArgumentException("command must name a program");
        }
        Objects.requireNonNull(workingDirectory, "workingDirectory");
        environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment));
        stdin = stdin == null ? new byte[0] : stdin;
        if (timeout != null && (timeout.isZero() || timeout.isNegative())) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        if (idleTimeout != null && (idleTimeout.isZero() || idleTimeout.isNegative())) {
            throw new IllegalArgumentException("idleTimeout must be positive, got " + idleTimeout);
        }
        requireNotNegative(gracePeriod, "gracePeriod");
        requireNotNegative(drainTimeout, "drainTimeout");
        if (maxLineBytes < MIN_MAX_LINE_BYTES) {
            throw new IllegalArgumentException("maxLineBytes must be at least " + MIN_MAX_LINE_BYTES + ", got " + maxLineBytes);
        }
        Objects.requireNonNull(masker, "masker");
        Objects.requireNonNull(name, "name");
    }

    private static void requireNotNegative(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative()) {
            throw new IllegalArgumentException(what + " must not be negative, got " + d);
        }
    }

    public static Builder builder(List<String> command) {
        return new Builder(command);
    }

    public static Builder builder(String... command) {
        return new Builder(List.of(command));
    }

    /**
     * This spec with another command and environment, every other field kept: how a launcher wraps
     * the program (a sandbox in front of it) without losing the caller's timeouts, stdin or masker.
     */
    public ProcessSpec withCommand(List<String> command, Map<String, String> environment) {
        return new ProcessSpec(command, workingDirectory, environment, stdin, timeout, idleTimeout, gracePeriod, drainTimeout, maxLineBytes,
                masker, name);
    }

    /** Shows the program and the argument count only: arguments may carry data a log should not. */
    @Override
    public String toString() {
        return "ProcessSpec[" + name + ": " + command.get(0) + " +" + (command.size() - 1) + " args in " + workingDirectory
                + ", timeout=" + timeout + (idleTimeout == null ? "" : ", idleTimeout=" + idleTimeout) + "]";
    }

    /** Builds {@link ProcessSpec}s. Not thread-safe. */
    public static final class Builder {
        private final List<String> command;
        private Path workingDirectory = Path.of("").toAbsolutePath();
        private Map<String, String> environment;
        private byte[] stdin = new byte[0];
        private Duration timeout;
        private Duration idleTimeout;
        private Duration gracePeriod = DEFAULT_GRACE_PERIOD;
        private Duration drainTimeout = DEFAULT_DRAIN_TIMEOUT;
        private int maxLineBytes = DEFAULT_MAX_LINE_BYTES;
        private SecretMasker masker = SecretMasker.none();
        private String name;

        private Builder(List<String> command) {
            this.command = List.copyOf(command);
        }

        public Builder workingDirectory(Path dir) {
            this.workingDirectory = dir;
            return this;
        }

        /** The child's complete environment; replaces the default {@code EnvironmentPolicy.secretsWithheld().inherited()}. */
        public Builder environment(Map<String, String> environment) {
            this.environment = environment;
            return this;
        }

        public Builder stdin(byte[] bytes) {
            this.stdin = bytes.clone();
            return this;
        }

        public Builder stdin(String text) {
            this.stdin = text.getBytes(StandardCharsets.UTF_8);
            return this;
        }

        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /** How long the tree may print nothing before it is stopped as hung; null (the default) for no limit. */
        public Builder idleTimeout(Duration idleTimeout) {
            this.idleTimeout = idleTimeout;
            return this;
        }

        public Builder gracePeriod(Duration gracePeriod) {
            this.gracePeriod = gracePeriod;
            return this;
        }

        public Builder drainTimeout(Duration drainTimeout) {
            this.drainTimeout = drainTimeout;
            return this;
        }

        public Builder maxLineBytes(int maxLineBytes) {
            this.maxLineBytes = maxLineBytes;
            return this;
        }

        public Builder masker(SecretMasker masker) {
            this.masker = masker;
            return this;
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public ProcessSpec build() {
            return new ProcessSpec(command, workingDirectory,
                    environment != null ? environment : EnvironmentPolicy.secretsWithheld().inherited(), stdin, timeout, idleTimeout, gracePeriod,
                    drainTimeout, maxLineBytes, masker, name != null ? name : Path.of(command.get(0)).getFileName().toString());
        }
    }
}
