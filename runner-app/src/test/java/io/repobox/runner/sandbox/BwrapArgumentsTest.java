package io.repobox.runner.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.repobox.runner.sandbox.SandboxPolicy.Mount;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sandbox as bubblewrap sees it: what is isolated, what is let in, in which order. */
class BwrapArgumentsTest {

    private static SandboxPolicy policy(SandboxSettings.Network network, List<Path> cgroupProcs) {
        return new SandboxPolicy(Path.of("/usr/bin/bwrap"), Path.of("/usr/bin/prlimit"), Path.of("/usr/bin/socat"),
                List.of(Mount.readOnly(Path.of("/usr")), Mount.symlink("usr/bin", Path.of("/bin")),
                        Mount.writable(Path.of("/w/job/sandbox/tmp"), Path.of("/tmp")), Mount.writable(Path.of("/w/job/repo")),
                        Mount.readOnly(Path.of("/w/job/sandbox/proxy.sock"), SandboxPolicy.INSIDE_PROXY_SOCKET)),
                Path.of("/w/job/repo"), network, network == SandboxSettings.Network.ALLOWLIST ? SandboxPolicy.INSIDE_PROXY_SOCKET : null,
                3128, 512, 5L << 30, cgroupProcs);
    }

    @Test
    void allowlistNetworkRunsTheProgramBehindTheBridgeAndTheLimits() {
        List<String> argv = BwrapArguments.command(policy(SandboxSettings.Network.ALLOWLIST, List.of()), List.of("/opt/claude", "-p"));
        assertThat(argv).containsExactly("/usr/bin/bwrap",
                "--unshare-user", "--uid", "1000", "--gid", "1000", "--cap-drop", "ALL",
                "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try", "--hostname", "repobox",
                "--unshare-net", "--die-with-parent", "--new-session", "--proc", "/proc", "--dev", "/dev",
                "--ro-bind", "/usr", "/usr", "--symlink", "usr/bin", "/bin", "--bind", "/w/job/sandbox/tmp", "/tmp",
                "--bind", "/w/job/repo", "/w/job/repo", "--ro-bind", "/w/job/sandbox/proxy.sock", "/run/repobox/proxy.sock",
                "--chdir", "/w/job/repo", "--",
                "/bin/sh", "-c", BwrapArguments.BRIDGE, "repobox-bridge", "/usr/bin/socat", "3128", "/run/repobox/proxy.sock",
                "/usr/bin/prlimit", "--nproc=512", "--fsize=5368709120", "--", "/opt/claude", "-p");
    }

    @Test
    void hostNetworkKeepsTheNetworkNamespaceAndNeedsNoBridge() {
        List<String> argv = BwrapArguments.command(policy(SandboxSettings.Network.HOST, List.of()), List.of("true"));
        assertThat(argv).doesNotContain("--unshare-net", BwrapArguments.BRIDGE).endsWith("/usr/bin/prlimit", "--nproc=512",
                "--fsize=5368709120", "--", "true");
    }

    @Test
    void noNetworkHasItsOwnEmptyNamespaceAndNoBridge() {
        List<String> argv = BwrapArguments.command(policy(SandboxSettings.Network.NONE, List.of()), List.of("true"));
        assertThat(argv).contains("--unshare-net").doesNotContain(BwrapArguments.BRIDGE);
    }

    @Test
    void theCgroupIsJoinedBeforeBubblewrapStarts() {
        List<String> argv = BwrapArguments.command(policy(SandboxSettings.Network.NONE,
                List.of(Path.of("/cg/pids/job/cgroup.procs"), Path.of("/cg/memory/job/cgroup.procs"))), List.of("true"));
        assertThat(argv).startsWith("/bin/sh", "-c", BwrapArguments.JOIN_CGROUPS, "repobox-cgroup", "2",
                "/cg/pids/job/cgroup.procs", "/cg/memory/job/cgroup.procs", "/usr/bin/bwrap");
    }
}
