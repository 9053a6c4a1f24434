package io.repobox.runner.sandbox;

import io.repobox.agent.process.ProcessResult;
import io.repobox.agent.process.ProcessRunner;
import io.repobox.agent.process.ProcessSpec;
import io.repobox.runner.config.ChildEnvironment;
import io.repobox.runner.pipeline.Workspaces;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runner's sandbox: the tools it needs (bubblewrap, prlimit, socat), whether a sandbox can
 * really be built here (one is tried), the cgroups the jobs get, and the per-job sandboxes.
 * Thread-safe; one per runner.
 */
public final class Sandbox {

    private static final Logger log = LoggerFactory.getLogger(Sandbox.class);

    /** What to install, for the messages that say a sandbox cannot be built. */
    public static final String INSTALL_HINT = "install bubblewrap and socat (Debian/Ubuntu: apt-get install bubblewrap socat) "
            + "and allow unprivileged user namespaces (see the security docs), or set SANDBOX=none to run agents unconfined";

    /** The runner cannot build the sandbox that SANDBOX=required asks for. */
    public static final class UnavailableException extends io.repobox.runner.config.ConfigurationException {
        private static final long serialVersionUID = 1L;

        UnavailableException(String message) {
            super(message);
        }
    }

    private final SandboxSettings settings;
    private final Path bwrap;
    private final Path prlimit;
    private final Path socat;
    private final String problem;
    private final Optional<Cgroups> cgroups;
    private final Path tempDir;

    private Sandbox(SandboxSettings settings, Path bwrap, Path prlimit, Path socat, String problem, Optional<Cgroups> cgroups,
                    Path tempDir) {
        this.settings = settings;
        this.bwrap = bwrap;
        this.prlimit = prlimit;
        this.socat = socat;
        this.problem = problem;
        this.cgroups = cgroups;
        this.tempDir = tempDir;
    }

    /** Finds the tools and tries a sandbox; never throws (see {@link #problem()}). TEMP_DIR is never bound whole. */
    public static Sandbox detect(SandboxSettings settings, Path tempDir) {
        if (settings.mode() == SandboxSettings.Mode.NONE) {
            return new Sandbox(settings, null, null, null, "SANDBOX=none", Optional.empty(), tempDir);
        }
        Path bwrap = settings.bwrapPath() != null ? settings.bwrapPath() : onPath("bwrap");
        Path prlimit = onPath("prlimit");
        Path socat = onPath("socat");
        String problem = null;
        if (bwrap == null || !Files.isExecutable(bwrap)) {
            problem = settings.bwrapPath() != null ? "SANDBOX_BWRAP_PATH " + settings.bwrapPath() + " is not an executable file"
                    : "bubblewrap (bwrap) is not on PATH";
        } else if (prlimit == null) {
            problem = "prlimit (util-linux) is not on PATH";
        } else if (socat == null && settings.network() == SandboxSettings.Network.ALLOWLIST) {
            problem = "socat is not on PATH (SANDBOX_NETWORK=allowlist needs it)";
        }
        Sandbox sandbox = new Sandbox(settings, bwrap, prlimit, socat, problem, Cgroups.detect(), tempDir);
        return problem == null ? sandbox.tryOne() : sandbox;
    }

    /**
     * Applies the mode at start-up: {@code required} without a sandbox throws (the caller exits 2),
     * {@code auto} warns once, {@code none} warns always.
     */
    public Sandbox checkAtStartup() {
        switch (settings.mode()) {
            case NONE -> log.warn("SANDBOX=none: agents and pre-run hooks run unconfined, as the runner's own user, and can read its "
                    + "secrets; use it only where every repository and prompt is trusted");
            case AUTO -> {
                if (problem != null) {
                    log.warn("No sandbox: {}; agents and pre-run hooks run unconfined (SANDBOX=auto). To confine them, {}",
                            problem, INSTALL_HINT);
                }
            }
            case REQUIRED -> {
                if (problem != null) {
                    throw new UnavailableException("The sandbox that SANDBOX=required asks for cannot be built: " + problem + ". To fix it, "
                            + INSTALL_HINT + ".");
                }
            }
        }
        if (enabled()) {
            log.info("Sandbox: bubblewrap {}, network {}, limits {} processes, {} memory, {} workspace ({})", bwrap,
                    settings.network().name().toLowerCase(java.util.Locale.ROOT), settings.maxProcesses(),
                    SandboxSettings.formatSize(settings.maxMemory()), SandboxSettings.formatSize(settings.maxWorkspace()),
                    cgroups.map(Cgroups::describe).orElse("no cgroup: rlimits only"));
        }
        return this;
    }

    /** One line for doctor and agents: what confines the jobs here, or why nothing does. */
    public String describe() {
        if (settings.mode() == SandboxSettings.Mode.NONE) {
            return "SANDBOX=none: agents and pre-run hooks run unconfined";
        }
        if (problem != null) {
            return "no sandbox (SANDBOX=" + settings.mode().name().toLowerCase(java.util.Locale.ROOT) + "): " + problem;
        }
        return "bubblewrap " + bwrap + " (a test sandbox ran), network " + settings.network().name().toLowerCase(java.util.Locale.ROOT)
                + ", at most " + settings.maxProcesses() + " processes, " + SandboxSettings.formatSize(settings.maxMemory()) + " memory, "
                + SandboxSettings.formatSize(settings.maxWorkspace()) + " workspace ("
                + cgroups.map(Cgroups::describe).orElse("no cgroup: the process limit is an rlimit, memory is not bounded") + ")";
    }

    /** Whether jobs run confined. */
    public boolean enabled() {
        return problem == null;
    }

    /** Why there is no sandbox, or null when there is one. */
    public String problem() {
        return problem;
    }

    public SandboxSettings settings() {
        return settings;
    }

    /** The bubblewrap found, or null. */
    public Path bwrap() {
        return bwrap;
    }

    /** The cgroup support, if any (doctor reports it). */
    public Optional<Cgroups> cgroups() {
        return cgroups;
    }

    /**
     * The sandbox of one job: {@code repo} is its working tree (writable inside), {@code workspace}
     * the job's directory under TEMP_DIR where its private HOME, TMPDIR and proxy socket are made;
     * nothing else of the workspace is visible inside. {@code rules} are the hosts it may reach;
     * {@code notices} receives the lines for the job's output (refused hosts).
     */
    public JobSandbox forJob(String jobId, Path workspace, Path repo, List<HostRule> rules, Consumer<String> notices) throws IOException {
        if (!enabled()) {
            throw new IllegalStateException("no sandbox: " + problem);
        }
        return JobSandbox.create(this, jobId, workspace, repo, rules, notices);
    }

    /**
     * The hosts a job may reach: the agent's model API, the environment's allowed_hosts and
     * SANDBOX_ALLOWED_HOSTS, each rule naming the setting it came from.
     */
    public List<HostRule> rules(Optional<java.net.URI> apiEndpoint, io.repobox.runner.environment.Environments.Environment environment) {
        List<HostRule> rules = new ArrayList<>();
        apiEndpoint.ifPresent(uri -> rules.add(HostRule.forEndpoint(uri, "AI_BASE_URL")));
        rules.addAll(HostRule.parseAll(environment.allowedHosts(), environment.allowedHostsSetting()));
        rules.addAll(HostRule.parseAll(settings.allowedHosts(), "SANDBOX_ALLOWED_HOSTS"));
        return rules;
    }

    SandboxPolicy policy(List<SandboxPolicy.Mount> jobMounts, Path workingDirectory, Path socket, List<Path> cgroupProcs) {
        List<SandboxPolicy.Mount> mounts = new ArrayList<>(SystemMounts.of(Path.of("/")));
        mounts.addAll(jobMounts);
        return new SandboxPolicy(bwrap, prlimit, socat, mounts, workingDirectory, settings.network(),
                socket == null ? null : SandboxPolicy.INSIDE_PROXY_SOCKET, SandboxPolicy.INSIDE_PROXY_PORT, settings.maxProcesses(),
                settings.maxWorkspace(), cgroupProcs);
    }

    Path tempDir() {
        return tempDir;
    }

    /** Builds a sandbox like a job's (same namespaces and limits, the allowlist bridge) and runs {@code true} in it. */
    private Sandbox tryOne() {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("repobox-sandbox-probe");
            Path socket = settings.network() == SandboxSettings.Network.ALLOWLIST ? dir.resolve("p.sock") : null;
            List<SandboxPolicy.Mount> mounts = new ArrayList<>();
            mounts.add(SandboxPolicy.Mount.writable(dir));
            try (EgressProxy proxy = socket == null ? null : EgressProxy.start(socket, List.of(), line -> { })) {
                if (socket != null) {
                    mounts.add(SandboxPolicy.Mount.readOnly(socket, SandboxPolicy.INSIDE_PROXY_SOCKET));
                }
                SandboxPolicy policy = policy(mounts, dir, socket, List.of());
                List<String> lines = new ArrayList<>();
                ProcessResult r = ProcessRunner.run(ProcessSpec.builder(BwrapArguments.command(policy, List.of("/bin/true")))
                        .environment(ChildEnvironment.inherited()).workingDirectory(dir).timeout(Duration.ofSeconds(20))
                        .name("sandbox probe").build(), (s, t, ts) -> lines.add(t));
                if (r.isSuccess()) {
                    return this;
                }
                return new Sandbox(settings, bwrap, prlimit, socat, "a test sandbox failed: " + r.describe("bwrap")
                        + (lines.isEmpty() ? "" : " (" + String.join(" ", lines) + ")"), cgroups, tempDir);
            }
        } catch (IOException e) {
            return new Sandbox(settings, bwrap, prlimit, socat, "a test sandbox could not be prepared: " + e.getMessage(), cgroups, tempDir);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Sandbox(settings, bwrap, prlimit, socat, "interrupted while trying a sandbox", cgroups, tempDir);
        } finally {
            if (dir != null) {
                Workspaces.delete(dir);
            }
        }
    }

    static Path onPath(String name) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate.toAbsolutePath();
            }
        }
        return null;
    }
}
