package io.repobox.runner.sandbox;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns a {@link SandboxPolicy} into the command line that runs a program inside it. The one place
 * where the sandbox's isolation is spelled out; a unit test reads it.
 *
 * <p>Outside the sandbox, a tiny shell joins the job's cgroups (when there are any) and execs
 * bubblewrap, so that nothing of the job runs before it is counted. Inside, a tiny shell starts
 * the egress bridge (socat: a loopback port to the proxy's Unix socket) when the network is the
 * allowlist, applies the limits with {@code prlimit} and execs the program. Nothing secret is in
 * these arguments: the environment reaches the program through bubblewrap's own environment.
 */
public final class BwrapArguments {

    /** Joins the cgroup.procs files given first (count, then paths), then execs the rest. */
    static final String JOIN_CGROUPS = "n=$1; shift; while [ \"$n\" -gt 0 ]; do echo $$ > \"$1\" || exit 125; shift; n=$((n-1)); done; "
            + "exec \"$@\"";

    /** Starts the egress bridge and waits until it listens (in /proc/net/tcp of the sandbox's own network), then execs. */
    static final String BRIDGE = "socat=$1; port=$2; sock=$3; shift 3; "
            + "\"$socat\" TCP-LISTEN:$port,bind=127.0.0.1,fork,reuseaddr UNIX-CONNECT:$sock </dev/null >/dev/null 2>&1 & "
            + "hex=$(printf '%04X' \"$port\"); i=0; "
            + "listening() { while read -r _ l r st _; do case \"$l $r $st\" in \"0100007F:$hex 00000000:0000 0A\") return 0;; esac; done "
            + "< /proc/net/tcp; return 1; }; "
            + "until listening; do i=$((i+1)); "
            + "if [ $i -gt 1000 ]; then echo 'repobox sandbox: the egress bridge (socat) did not start; is socat installed?' >&2; exit 125; fi; "
            + "sleep 0.01; done; exec \"$@\"";

    private BwrapArguments() {
    }

    /** The full command line that runs {@code command} (argv, program first) under {@code policy}. */
    public static List<String> command(SandboxPolicy policy, List<String> command) {
        List<String> out = new ArrayList<>();
        if (!policy.cgroupProcs().isEmpty()) {
            out.addAll(List.of("/bin/sh", "-c", JOIN_CGROUPS, "repobox-cgroup", Integer.toString(policy.cgroupProcs().size())));
            policy.cgroupProcs().forEach(p -> out.add(p.toString()));
        }
        out.add(policy.bwrap().toString());
        out.addAll(bwrapOptions(policy));
        out.add("--");
        if (policy.network() == SandboxSettings.Network.ALLOWLIST) {
            out.addAll(List.of("/bin/sh", "-c", BRIDGE, "repobox-bridge", policy.socat().toString(), Integer.toString(policy.proxyPort()),
                    policy.proxySocket().toString()));
        }
        out.addAll(List.of(policy.prlimit().toString(), "--nproc=" + policy.maxProcesses(), "--fsize=" + policy.maxFileSize(), "--"));
        out.addAll(command);
        return out;
    }

    /** bubblewrap's options for {@code policy}, without the program. */
    public static List<String> bwrapOptions(SandboxPolicy policy) {
        List<String> a = new ArrayList<>();
        // Identity: a new user namespace with an unprivileged uid, no capabilities (bubblewrap also sets
        // no_new_privs), and every other namespace new too.
        a.addAll(List.of("--unshare-user", "--uid", Integer.toString(SandboxPolicy.INSIDE_UID),
                "--gid", Integer.toString(SandboxPolicy.INSIDE_UID), "--cap-drop", "ALL"));
        a.addAll(List.of("--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try", "--hostname", "repobox"));
        if (policy.network() != SandboxSettings.Network.HOST) {
            a.add("--unshare-net"); // only loopback inside; the allowlist reaches the proxy through a bound socket
        }
        // Processes: the sandbox dies with the runner; a new session, so the program cannot push
        // characters into a terminal the runner holds (TIOCSTI).
        a.addAll(List.of("--die-with-parent", "--new-session"));
        a.addAll(List.of("--proc", "/proc", "--dev", "/dev"));
        for (SandboxPolicy.Mount m : policy.mounts()) {
            switch (m.kind()) {
                case READ_ONLY -> a.addAll(List.of("--ro-bind", m.source(), m.target().toString()));
                case WRITABLE -> a.addAll(List.of("--bind", m.source(), m.target().toString()));
                case SYMLINK -> a.addAll(List.of("--symlink", m.source(), m.target().toString()));
            }
        }
        a.addAll(List.of("--chdir", policy.workingDirectory().toString()));
        return a;
    }
}
