package io.repobox.runner.sandbox;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What one sandboxed process may see and do, as data: {@link BwrapArguments} turns it into the
 * bubblewrap command line. Everything not mounted here does not exist inside (the root is an empty
 * tmpfs), so the policy is read as a list of what is let in.
 *
 * @param bwrap            the bubblewrap executable
 * @param prlimit          prlimit (util-linux), inside a read-only mount
 * @param socat            socat, inside a read-only mount (used by the allowlist network only)
 * @param mounts           in order; later mounts go on top of earlier ones
 * @param workingDirectory where the program starts (inside a writable mount)
 * @param network          the network mode
 * @param proxySocket      in {@link SandboxSettings.Network#ALLOWLIST}: the egress proxy's Unix socket as seen inside
 * @param proxyPort        the loopback port inside where the proxy is reachable (bridged to the socket)
 * @param maxProcesses     RLIMIT_NPROC (per user namespace; the cgroup holds it when there is one)
 * @param maxFileSize      RLIMIT_FSIZE in bytes: no single file may grow past the workspace limit
 * @param cgroupProcs      cgroup.procs files the sandbox joins before it starts (empty without a cgroup)
 */
public record SandboxPolicy(Path bwrap, Path prlimit, Path socat, List<Mount> mounts, Path workingDirectory, SandboxSettings.Network network,
                            Path proxySocket, int proxyPort, int maxProcesses, long maxFileSize, List<Path> cgroupProcs) {

    /** The user and group ids inside: unprivileged, whatever the runner's own are. */
    public static final int INSIDE_UID = 1000;

    /** Where the proxy's socket appears inside. */
    public static final Path INSIDE_PROXY_SOCKET = Path.of("/run/repobox/proxy.sock");

    /** The loopback port inside that leads to the proxy. */
    public static final int INSIDE_PROXY_PORT = 3128;

    /** One mount: a read-only or writable bind, or a symlink ({@code source} is then the link's text). */
    public record Mount(Kind kind, String source, Path target) {
        public enum Kind { READ_ONLY, WRITABLE, SYMLINK }

        public Mount {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(target, "target");
        }

        public static Mount readOnly(Path path) {
            return new Mount(Kind.READ_ONLY, path.toString(), path);
        }

        public static Mount readOnly(Path source, Path target) {
            return new Mount(Kind.READ_ONLY, source.toString(), target);
        }

        public static Mount writable(Path path) {
            return new Mount(Kind.WRITABLE, path.toString(), path);
        }

        public static Mount writable(Path source, Path target) {
            return new Mount(Kind.WRITABLE, source.toString(), target);
        }

        public static Mount symlink(String linkText, Path target) {
            return new Mount(Kind.SYMLINK, linkText, target);
        }
    }

    public SandboxPolicy {
        Objects.requireNonNull(bwrap, "bwrap");
        Objects.requireNonNull(prlimit, "prlimit");
        mounts = List.copyOf(mounts);
        Objects.requireNonNull(workingDirectory, "workingDirectory");
        Objects.requireNonNull(network, "network");
        if (network == SandboxSettings.Network.ALLOWLIST) {
            Objects.requireNonNull(proxySocket, "proxySocket (the allowlist network needs the egress proxy)");
            Objects.requireNonNull(socat, "socat (the allowlist network needs it)");
        }
        cgroupProcs = List.copyOf(cgroupProcs);
    }
}
