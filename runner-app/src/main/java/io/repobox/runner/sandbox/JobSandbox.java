package io.repobox.runner.sandbox;

import io.repobox.agent.process.LineHandler;
import io.repobox.agent.process.ProcessExecution;
import io.repobox.agent.process.ProcessLauncher;
import io.repobox.agent.process.ProcessResult;
import io.repobox.agent.process.ProcessRunner;
import io.repobox.agent.process.ProcessSpec;
import io.repobox.runner.pipeline.WorkspaceWatch;
import io.repobox.runner.pipeline.Workspaces;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One job's sandbox, and the {@link ProcessLauncher} its agent and pre-run hook start through. It
 * owns the job's private HOME and TMPDIR ({@code <workspace>/sandbox/}), its egress proxy, its
 * cgroup and the watch on its workspace's size; {@link #close()} ends them all. Each process starts
 * in a sandbox of its own (see {@link BwrapArguments}) that shares only these with the job's others.
 */
public final class JobSandbox implements ProcessLauncher, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(JobSandbox.class);
    private static final Duration WATCH_PERIOD = Duration.ofSeconds(2);

    private final Sandbox sandbox;
    private final Path workspace;
    private final Path repo;
    private final Path home;
    private final Path tmp;
    private final Path files;
    private final EgressProxy proxy;
    private final Path socket;
    private final Cgroups.JobGroup cgroup;
    private final Set<ProcessExecution> running = ConcurrentHashMap.newKeySet();
    private final WorkspaceWatch watch;
    private volatile String workspaceLimit;

    private JobSandbox(Sandbox sandbox, Path workspace, Path repo, Path dir, EgressProxy proxy, Path socket, Cgroups.JobGroup cgroup) {
        this.sandbox = sandbox;
        this.workspace = workspace.toAbsolutePath().normalize();
        this.repo = repo.toAbsolutePath().normalize();
        this.home = dir.resolve("home");
        this.tmp = dir.resolve("tmp");
        this.files = dir;
        this.proxy = proxy;
        this.socket = socket;
        this.cgroup = cgroup;
        this.watch = WorkspaceWatch.start(this.workspace, sandbox.settings().maxWorkspace(), WATCH_PERIOD, this::workspaceExceeded);
    }

    static JobSandbox create(Sandbox sandbox, String jobId, Path workspace, Path repo, List<HostRule> rules, Consumer<String> notices)
            throws IOException {
        var owner = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
        Path dir = workspace.resolve("sandbox");
        Files.createDirectories(dir, owner);
        Files.createDirectories(dir.resolve("home"), owner);
        Files.createDirectories(dir.resolve("tmp"), owner);
        // Who the processes are inside: a user of their own, so tools that look themselves up work.
        Files.writeString(dir.resolve("passwd"), "root:x:0:0:root:/root:/usr/sbin/nologin\nrepobox:x:" + SandboxPolicy.INSIDE_UID + ":"
                + SandboxPolicy.INSIDE_UID + ":repobox:" + dir.resolve("home") + ":/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n");
        Files.writeString(dir.resolve("group"), "root:x:0:\nrepobox:x:" + SandboxPolicy.INSIDE_UID + ":\nnogroup:x:65534:\n");
        EgressProxy proxy = null;
        Path socket = null;
        Cgroups.JobGroup cgroup = null;
        try {
            if (sandbox.settings().network() == SandboxSettings.Network.ALLOWLIST) {
                socket = dir.resolve("proxy.sock");
                if (socket.toString().length() > 100) { // sun_path holds 108 bytes
                    socket = Files.createTempDirectory("repobox-proxy", owner).resolve("p.sock");
                }
                proxy = EgressProxy.start(socket, rules, notices);
            }
            if (sandbox.cgroups().isPresent()) {
                cgroup = sandbox.cgroups().get().create(groupName(jobId), sandbox.settings().maxProcesses(), sandbox.settings().maxMemory());
            }
        } catch (IOException | RuntimeException e) {
            if (proxy != null) {
                proxy.close();
            }
            throw e;
        }
        return new JobSandbox(sandbox, workspace, repo, dir, proxy, socket, cgroup);
    }

    /** The name of a job's cgroup(s) under the runner's parent(s). */
    public static String groupName(String jobId) {
        return "repobox-" + jobId;
    }

    /** The job's private HOME, the same path inside and outside. */
    public Path home() {
        return home;
    }

    /** The job's private TMPDIR, the same path inside and outside. */
    public Path tmp() {
        return tmp;
    }

    @Override
    public boolean confined() {
        return true;
    }

    @Override
    public ProcessExecution start(ProcessSpec spec, LineHandler handler) {
        Path wd = spec.workingDirectory().toAbsolutePath().normalize();
        if (!wd.startsWith(repo)) {
            return ended(spec, ProcessResult.StartFailure.BAD_WORKING_DIRECTORY, "its working directory " + wd
                    + " is outside the job's working tree, the only place the sandbox lets it work");
        }
        String pathVariable = spec.environment().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        Path program = ToolMounts.resolve(spec.command().get(0), wd, pathVariable);
        if (program == null) {
            String name = spec.command().get(0);
            Path given = wd.resolve(name);
            if (name.contains("/") && Files.exists(given)) {
                return ended(spec, ProcessResult.StartFailure.NOT_EXECUTABLE, "'" + name + "' is not an executable file"
                        + (Files.isDirectory(given) ? " (it is a directory)" : " (missing execute permission?)"));
            }
            return ended(spec, ProcessResult.StartFailure.NOT_FOUND, "'" + name + (name.contains("/") ? "' does not exist" : "' not found on PATH"));
        }
        List<SandboxPolicy.Mount> mounts = new ArrayList<>();
        mounts.add(SandboxPolicy.Mount.writable(tmp, Path.of("/tmp")));
        ToolMounts.of(program, pathVariable, sandbox.tempDir(), repo).forEach(p -> mounts.add(SandboxPolicy.Mount.readOnly(p)));
        mounts.add(SandboxPolicy.Mount.writable(repo));
        mounts.add(SandboxPolicy.Mount.writable(home));
        mounts.add(SandboxPolicy.Mount.writable(tmp));
        mounts.add(SandboxPolicy.Mount.readOnly(files.resolve("passwd"), Path.of("/etc/passwd")));
        mounts.add(SandboxPolicy.Mount.readOnly(files.resolve("group"), Path.of("/etc/group")));
        if (socket != null) {
            mounts.add(SandboxPolicy.Mount.readOnly(socket, SandboxPolicy.INSIDE_PROXY_SOCKET));
        }
        SandboxPolicy policy = sandbox.policy(mounts, wd, socket, cgroup == null ? List.of() : cgroup.procsFiles());
        List<String> command = new ArrayList<>(spec.command());
        command.set(0, program.toString());
        ProcessExecution execution = ProcessRunner.start(spec.withCommand(BwrapArguments.command(policy, command),
                environment(spec.environment(), policy)), handler);
        running.add(execution);
        CompletableFuture<ProcessResult> result = execution.completion().toCompletableFuture().thenApply(r -> {
            running.remove(execution);
            return explain(r);
        });
        return new SandboxedExecution(execution, result);
    }

    /** The program's variables, with the job's own HOME and TMPDIR and, in the allowlist network, the proxy. */
    Map<String, String> environment(Map<String, String> base, SandboxPolicy policy) {
        Map<String, String> env = new LinkedHashMap<>(base);
        env.keySet().removeIf(name -> name.startsWith("XDG_") || name.equals("SSH_AUTH_SOCK") || name.equals("DBUS_SESSION_BUS_ADDRESS"));
        env.put("HOME", home.toString());
        env.put("TMPDIR", tmp.toString());
        env.put("TMP", tmp.toString());
        env.put("TEMP", tmp.toString());
        env.put("USER", "repobox");
        env.put("LOGNAME", "repobox");
        List<String> proxyNames = List.of("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy");
        if (policy.network() == SandboxSettings.Network.ALLOWLIST) {
            String url = "http://127.0.0.1:" + policy.proxyPort();
            proxyNames.forEach(name -> env.put(name, url));
            env.put("NO_PROXY", "");
            env.put("no_proxy", "");
        } else if (policy.network() == SandboxSettings.Network.NONE) {
            proxyNames.forEach(env::remove);
        }
        return env;
    }

    /** Says which limit a process ran into, when it did: the message names the setting. */
    private ProcessResult explain(ProcessResult r) {
        if (r.outcome() == ProcessResult.Outcome.TIMED_OUT) {
            return r;
        }
        SandboxSettings s = sandbox.settings();
        watch.exceeded(); // measured now: a file that stopped at RLIMIT_FSIZE leaves the workspace over its limit
        if (r.isSuccess() && workspaceLimit == null && (cgroup == null || !cgroup.processLimitHit() && !cgroup.memoryLimitHit())) {
            return r; // a program that exits 0 after a limit refused some of its work did not finish it
        }
        String limit = null;
        if (workspaceLimit != null) {
            limit = workspaceLimit;
        } else if (r.exitCode().orElse(-1) == 128 + 25) { // SIGXFSZ: a file passed RLIMIT_FSIZE
            limit = "a file grew past SANDBOX_MAX_WORKSPACE (" + SandboxSettings.formatSize(s.maxWorkspace()) + ")";
        } else if (cgroup != null && cgroup.memoryLimitHit()) {
            limit = "the job's processes used more memory than SANDBOX_MAX_MEMORY (" + SandboxSettings.formatSize(s.maxMemory())
                    + ") allows; the kernel stopped one";
        } else if (cgroup != null && cgroup.processLimitHit() || cgroup == null && r.stderrTail().stream()
                .anyMatch(l -> l.contains("fork") && (l.contains("Resource temporarily unavailable") || l.contains("Cannot fork")))) {
            limit = "the job tried to run more than SANDBOX_MAX_PROCESSES (" + s.maxProcesses() + ") processes at once";
        }
        if (limit == null || r.outcome() == ProcessResult.Outcome.FAILED_TO_START) {
            return r;
        }
        return new ProcessResult(ProcessResult.Outcome.ERROR, r.exitCode(), r.duration(), r.limit(), r.stoppedProcesses(),
                r.stderrTail(), null, limit);
    }

    /** The workspace passed SANDBOX_MAX_WORKSPACE (the watch, every few seconds or at a process's end): every running process is stopped. */
    private void workspaceExceeded() {
        workspaceLimit = "the job's workspace grew past SANDBOX_MAX_WORKSPACE (" + SandboxSettings.formatSize(sandbox.settings().maxWorkspace()) + ")";
        log.info("Job workspace {}: {}; stopping its processes", workspace, workspaceLimit);
        running.forEach(ProcessExecution::cancel);
    }

    /** Stops what is still running, the proxy and the watch, and removes the cgroup. */
    @Override
    public void close() {
        watch.close();
        running.forEach(ProcessExecution::cancel);
        if (proxy != null) {
            proxy.close();
            if (!socket.startsWith(workspace)) {
                Workspaces.delete(socket.getParent());
            }
        }
        if (cgroup != null) {
            cgroup.close();
        }
    }

    private static ProcessExecution ended(ProcessSpec spec, ProcessResult.StartFailure failure, String message) {
        ProcessResult r = new ProcessResult(ProcessResult.Outcome.FAILED_TO_START, OptionalInt.empty(), java.time.Duration.ZERO,
                spec.timeout(), 0, List.of(), failure, spec.masker().mask(message));
        return new SandboxedExecution(null, CompletableFuture.completedFuture(r));
    }
}
