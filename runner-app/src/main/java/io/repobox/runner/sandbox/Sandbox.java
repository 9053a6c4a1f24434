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
import java.util.concurrent.CompletableFuture;
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
    /** Why there is no sandbox (empty: there is one); known once the test sandbox has run. */
    private final CompletableFuture<Optional<String>> problem = new CompletableFuture<>();
    private final Optional<Cgroups> cgroups;
    private final Path tempDir;

    private Sandbox(SandboxSettings settings, Path bwrap, Path prlimit, Path socat, Optional<Cgroups> cgroups, Path tempDir) {
        this.settings = settings;
        this.bwrap = bwrap;
        this.prlimit = prlimit;
        this.socat = socat;
        this.cgroups = cgroups;
        this.tempDir = tempDir;
    }

    /** Finds the tools and tries a sandbox; never throws (see {@link #problem()}). TEMP_DIR is never bound whole. */
    public static Sandbox detect(SandboxSettings settings, Path tempDir) {
        return detect(settings, tempDir, false);
    }

    /**
     * {@link #detect}, with the test sandbox tried on a thread of its own: the caller goes on at once,
     * and whatever asks whether there is a sandbox ({@link #enabled()}, {@link #problem()}, a job's
     * {@link SandboxStep} before its hook or agent) waits for the answer. Trying one costs a process
     * start of bubblewrap, socat and prlimit (about 60–100 ms), which a runner can spend connecting
     * to Redis and cloning its first job instead of waiting.
     */
    public static Sandbox detectInBackground(SandboxSettings settings, Path tempDir) {
        return detectInBackground(settings, tempDir, ProbeVerdicts.none());
    }

    /**
     * {@link #detectInBackground(SandboxSettings, Path)}, believing {@code verdicts} when a test
     * sandbox succeeded before under exactly this host's present conditions (then none is tried), and
     * telling them when one succeeds.
     */
    public static Sandbox detectInBackground(SandboxSettings settings, Path tempDir, ProbeVerdicts verdicts) {
        return detect(settings, tempDir, true, verdicts);
    }

    private static Sandbox detect(SandboxSettings settings, Path tempDir, boolean inBackground) {
        return detect(settings, tempDir, inBackground, ProbeVerdicts.none());
    }

    private static Sandbox detect(SandboxSettings settings, Path tempDir, boolean inBackground, ProbeVerdicts verdicts) {
        if (settings.mode() == SandboxSettings.Mode.NONE) {
            Sandbox none = new Sandbox(settings, null, null, null, Optional.empty(), tempDir);
            none.problem.complete(Optional.of("SANDBOX=none"));
            return none;
        }
        Path bwrap = settings.bwrapPath() != null ? settings.bwrapPath() : onPath("bwrap");
        Path prlimit = onPath("prlimit");
        Path socat = onPath("socat");
        String missing = null;
        if (bwrap == null || !Files.isExecutable(bwrap)) {
            missing = settings.bwrapPath() != null ? "SANDBOX_BWRAP_PATH " + settings.bwrapPath() + " is not an executable file"
                    : "bubblewrap (bwrap) is not on PATH";
        } else if (prlimit == null) {
            missing = "prlimit (util-linux) is not on PATH";
        } else if (socat == null && settings.network() == SandboxSettings.Network.ALLOWLIST) {
            missing = "socat is not on PATH (SANDBOX_NETWORK=allowlist needs it)";
        }
        Sandbox sandbox = new Sandbox(settings, bwrap, prlimit, socat, Cgroups.detect(), tempDir);
        String conditions = missing == null && verdicts != ProbeVerdicts.none()
                ? ProbeVerdicts.conditions(settings, bwrap, prlimit, socat) : null;
        if (missing != null) {
            sandbox.problem.complete(Optional.of(missing));
        } else if (conditions != null && verdicts.succeededUnder(conditions)) {
            log.debug("A test sandbox succeeded here before, under the same conditions: none is tried");
            sandbox.problem.complete(Optional.empty());
        } else if (inBackground) {
            Thread probe = new Thread(() -> sandbox.tryOne(conditions == null ? () -> { } : () -> verdicts.succeeded(conditions)),
                    "repobox-sandbox-probe");
            probe.setDaemon(true);
            probe.start();
        } else {
            sandbox.tryOne(() -> { });
        }
        return sandbox;
    }

    /**
     * Applies the mode at start-up: {@code required} without a sandbox throws (the caller exits 2),
     * {@code auto} warns once, {@code none} warns always.
     */
    public Sandbox checkAtStartup() {
        switch (settings.mode()) {
            case NONE -> log.warn("SANDBOX=none: agents and pre-run hooks run unconfined, as the runner's own user, and can read its "
                    + "secrets; use it only where every repository and prompt is trusted");
            case AUTO -> problem.thenAccept(this::reportAtStartup); // when known: nothing waits for it but a job's hook and agent
            case REQUIRED -> {
                String why = problem();
                if (why != null) {
                    throw new UnavailableException("The sandbox that SANDBOX=required asks for cannot be built: " + why + ". To fix it, "
                            + INSTALL_HINT + ".");
                }
                reportAtStartup(Optional.empty());
            }
        }
        return this;
    }

    private void reportAtStartup(Optional<String> why) {
        if (why.isPresent()) {
            log.warn("No sandbox: {}; agents and pre-run hooks run unconfined (SANDBOX=auto). To confine them, {}", why.get(),
                    INSTALL_HINT);
        } else {
            log.info("Sandbox: bubblewrap {}, network {}, limits {} processes, {} memory, {} workspace ({})", bwrap,
                    settings.network().name().toLowerCase(java.util.Locale.ROOT), settings.maxProcesses(),
                    SandboxSettings.formatSize(settings.maxMemory()), SandboxSettings.formatSize(settings.maxWorkspace()),
                    cgroups.map(Cgroups::describe).orElse("no cgroup: rlimits only"));
        }
    }

    /**
     * Waits for a test sandbox still being tried (see {@link #detectInBackground}) to end and remove
     * its directory: a runner that stops leaves nothing behind.
     */
    public void awaitProbe() {
        problem.join();
    }

    /** One line for doctor and agents: what confines the jobs here, or why nothing does. */
    public String describe() {
        if (settings.mode() == SandboxSettings.Mode.NONE) {
            return "SANDBOX=none: agents and pre-run hooks run unconfined";
        }
        String problem = problem();
        if (problem != null) {
            return "no sandbox (SANDBOX=" + settings.mode().name().toLowerCase(java.util.Locale.ROOT) + "): " + problem;
        }
        return "bubblewrap " + bwrap + " (a test sandbox ran), network " + settings.network().name().toLowerCase(java.util.Locale.ROOT)
                + ", at most " + settings.maxProcesses() + " processes, " + SandboxSettings.formatSize(settings.maxMemory()) + " memory, "
                + SandboxSettings.formatSize(settings.maxWorkspace()) + " workspace ("
                + cgroups.map(Cgroups::describe).orElse("no cgroup: the process limit is an rlimit, memory is not bounded") + ")";
    }

    /** Whether jobs run confined (waits for a test sandbox still being tried). */
    public boolean enabled() {
        return problem() == null;
    }

    /** Why there is no sandbox, or null when there is one (waits for a test sandbox still being tried). */
    public String problem() {
        return problem.join().orElse(null);
    }

    public SandboxSettings settings() {
        return settings;
    }

    /** The bubblewrap found, or null. */
    public Path bwrap() {
        return bwrap;
    }

    /**
     * Removes the cgroups of {@code jobId} that a runner killed on this host left behind, killing what is
     * still in them; nothing when there are none (or no cgroups here).
     */
    public void removeLeftovers(String jobId) {
        cgroups.ifPresent(c -> c.remove(JobSandbox.groupName(jobId)));
    }

    /** The cgroup directories a job gets here (none without cgroups), for whoever must remove them if this process dies. */
    public List<Path> groupDirectories(String jobId) {
        return cgroups.map(c -> c.directories(JobSandbox.groupName(jobId))).orElse(List.of());
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
            throw new IllegalStateException("no sandbox: " + problem());
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

    /**
     * Builds a sandbox like a job's (same namespaces and limits, the allowlist bridge), runs {@code true}
     * in it, and completes {@link #problem} with the outcome (after {@code onSuccess} when it succeeded); never throws.
     */
    private void tryOne(Runnable onSuccess) {
        String why = "the test sandbox ended unexpectedly";
        try {
            why = whyATestSandboxFails();
            if (why == null) {
                onSuccess.run(); // before the answer: whoever waits for it finds the verdict kept
            }
        } finally {
            problem.complete(Optional.ofNullable(why)); // whatever happens: enabled() must never wait forever
        }
    }

    private String whyATestSandboxFails() {
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
                    return null;
                }
                return "a test sandbox failed: " + r.describe("bwrap") + (lines.isEmpty() ? "" : " (" + String.join(" ", lines) + ")");
            }
        } catch (IOException | RuntimeException e) {
            return "a test sandbox could not be prepared: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while trying a sandbox";
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
