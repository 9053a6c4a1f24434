package io.repobox.runner.cli;

import io.repobox.runner.config.ConfigurationException;
import io.repobox.runner.config.RunnerConfig;
import io.repobox.runner.config.Settings;
import io.repobox.runner.environment.Environments;
import io.repobox.runner.git.RepositoryUrls;
import io.repobox.runner.job.JobStatus;
import io.repobox.runner.pipeline.Workspaces;
import io.repobox.runner.sandbox.ProbeVerdicts;
import io.repobox.runner.sandbox.SandboxSettings;
import io.repobox.runner.service.Runner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code run}: one job end to end in this process, through the same path as {@code serve}: a job
 * hash and a queue entry in Redis, a runner that takes it, the output stream printed live.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run one job end to end and print its output live.",
                "A local --repo is cloned into a workspace and the agent's branch is pushed back to it; your working tree is",
                "never touched. Without REDIS_URL an embedded Redis is started for the run.",
                "Ctrl-C (or SIGTERM) cancels the job as `cancel` does: the agent's whole process tree is stopped, the workspace and",
                "the embedded Redis are removed, and the exit code is 130. A second Ctrl-C exits at once."})
final class RunCommand implements Callable<Integer> {

    @ParentCommand
    RunnerCommand parent;

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions options = new ConfigOptions();

    @Option(names = "--repo", required = true, paramLabel = "DIR|URL", description = "The repository: a local directory or a git URL.")
    String repo;

    @Option(names = "--agent", paramLabel = "NAME", description = "The agent provider (default: AI_PROVIDER, or fake when AI_ENABLED=false).")
    String agent;

    @Option(names = "--environment", paramLabel = "NAME", defaultValue = "default", description = "The runtime environment (default: ${DEFAULT-VALUE}).")
    String environment;

    @Option(names = "--timeout", paramLabel = "DURATION",
            description = "How long the agent may run: 90 (seconds), 30s, 10m, 2h (default: AI_TIMEOUT, bounded by JOB_TIMEOUT).")
    String timeout;

    @Option(names = "--prompt-file", paramLabel = "FILE|-", description = "Read the prompt from FILE, or from stdin with -.")
    String promptFile;

    @Parameters(arity = "0..1", paramLabel = "PROMPT", description = "The prompt (or use --prompt-file).")
    String prompt;

    /** Set by a second Ctrl-C: the signal's thread ends the process, and this command's own thread must not end it first. */
    private static volatile boolean exitingAtOnce;

    @Override
    public Integer call() throws Exception {
        String promptText = Prompts.read(prompt, promptFile);
        RunnerConfig config = options.apply(parent.environment(), commandFlags());
        // Everything a person can get wrong is checked before anything is started.
        String repoUrl = repoUrl(repo, config);
        io.repobox.agent.spi.AgentProviders.load().get(config.agentName());
        Environments environments = Environments.load(config.environmentsFile());
        if (environments.find(environment).isEmpty()) {
            throw new ConfigurationException("--environment " + environment + " is not a known environment; known: "
                    + String.join(", ", environments.names()) + " (ENVIRONMENTS_FILE adds more)");
        }

        JobConsole console = parent.console(spec);
        AtomicReference<String> jobId = new AtomicReference<>();
        AtomicReference<RedisSession> sessionRef = new AtomicReference<>();
        AtomicBoolean interrupted = new AtomicBoolean();
        AtomicReference<RunRedis> redisRef = new AtomicReference<>();
        // Ctrl-C, SIGTERM, SIGHUP: cancel the job through the same path as `cancel`; this thread keeps
        // printing until the job's end marker. A second one ends the process at once.
        Signals.onInterrupt(() -> {
            interrupted.set(true);
            String id = jobId.get();
            RedisSession session = sessionRef.get();
            console.runner("Cancelling" + (id == null ? "" : " job " + id) + " (Ctrl-C again to exit at once)");
            if (id != null && session != null) {
                session.store.requestCancel(id, System.currentTimeMillis());
            }
        }, () -> {
            console.runner("Exiting at once");
            exitingAtOnce = true;
            exitAtOnce(config, jobId.get(), redisRef.get());
        });

        RunRedis embedded = null;
        String url = config.redisUrl();
        try {
            if (url == null) {
                // Started by the warm-up while the command line was parsed (main starts it), else here,
                // while the warm-up prepares the client on another core.
                Warmup.start();
                embedded = Warmup.takeServer().orElseGet(() -> RunRedis.start(parent.environment()));
                redisRef.set(embedded);
                url = embedded.url();
                console.runner("Started an embedded Redis for this run on 127.0.0.1:" + embedded.port() + " (set REDIS_URL to use yours)");
            }
            if (interrupted.get()) {
                console.runner("Cancelled before the job was submitted");
                return ExitCodes.CANCELLED;
            }
            // The warm-up's connection to this Redis, when it made one: its client and connection become the
            // runner's (whose commands connection the session shares). The runner asks for them after its own
            // checks, which overlap with the connect.
            String redisUrl = url;
            Supplier<Runner.Prepared> connector = () -> {
                Warmup.await();
                return Warmup.takeConnection(redisUrl).filter(e -> e.failure() == null)
                        .map(e -> new Runner.Prepared(e.redis(), e.connection())).orElse(null);
            };
            // A test sandbox that succeeded in an earlier run, under the same conditions, is believed.
            ProbeVerdicts verdicts = UserCache.directory(parent.environment(), Path.of("/proc/self"))
                    .map(dir -> ProbeVerdicts.in(dir.resolve("sandbox-verdict"))).orElse(ProbeVerdicts.none());
            try (Runner runner = Runner.create(config, url, connector, true, Duration.ofSeconds(30), SandboxSettings.Mode.AUTO, verdicts);
                 RedisSession session = RedisSession.sharing(runner.redis(), url, runner.commands())) {
                runner.service().start();
                sessionRef.set(session);
                String id = session.submit(repoUrl, promptText, environment, "local", "");
                jobId.set(id);
                if (embedded != null) { // a JVM killed before it took them down leaves them to the server's wrapper
                    embedded.removeIfKilled(config.cleanupAfterJob() ? List.of(config.tempDir().resolve(id)) : List.of(),
                            runner.jobCgroups(id));
                }
                console.runner("Job " + id + " submitted");
                if (interrupted.get()) {
                    session.store.requestCancel(id, System.currentTimeMillis());
                }
                console.print(runner.output(), id, true, () -> session.store.load(id).map(j -> j.getOrDefault("status", "")).orElse(""));
                Map<String, String> job = session.store.load(id).orElseThrow();
                if (!JobStatus.SUCCESS.value().equals(job.get("status"))) {
                    verdicts.forget(); // a sandbox that stopped working fails the job: the next run tries one again
                }
                console.summary(job);
                return JobConsole.exitCode(job);
            }
        } finally {
            while (exitingAtOnce) {
                java.util.concurrent.locks.LockSupport.park(); // the second Ctrl-C decides the exit (130), not this thread
            }
            if (embedded != null) {
                embedded.close();
            }
        }
    }

    /**
     * The second Ctrl-C: kill what the job runs, remove its workspace, and halt. The embedded Redis
     * is left to its wrapper, which stops it and removes its directory when this JVM is gone.
     */
    private static void exitAtOnce(RunnerConfig config, String jobId, RunRedis redis) {
        java.util.Set<Long> keep = new java.util.HashSet<>();
        if (redis != null) {
            keep.add(redis.pid());
            ProcessHandle.of(redis.pid()).ifPresent(w -> w.descendants().forEach(d -> keep.add(d.pid())));
        }
        // The job's thread goes on meanwhile and may start its next process (a git step) after a
        // sweep: sweep and delete until a pass finds nothing left (a few passes at most).
        Path workspace = jobId != null && config.cleanupAfterJob() ? config.tempDir().resolve(jobId) : null;
        for (int pass = 0; pass < 20; pass++) {
            java.util.List<ProcessHandle> left = ProcessHandle.current().descendants().filter(p -> !keep.contains(p.pid()) && p.isAlive()).toList();
            left.forEach(ProcessHandle::destroyForcibly);
            java.util.concurrent.CompletableFuture.allOf(left.stream().map(ProcessHandle::onExit)
                    .toArray(java.util.concurrent.CompletableFuture[]::new))
                    .completeOnTimeout(null, 200, java.util.concurrent.TimeUnit.MILLISECONDS).join(); // all at once, briefly
            if (workspace != null) {
                Workspaces.delete(workspace); // best effort: the process goes away at the person's request
            }
            if (left.isEmpty() && (workspace == null || !Files.exists(workspace, java.nio.file.LinkOption.NOFOLLOW_LINKS))) {
                break;
            }
        }
        Runtime.getRuntime().halt(ExitCodes.CANCELLED);
    }

    /**
     * This command's flags as settings. Without a RUNNER_ID of its own, run takes one with its pid, so
     * that it never takes over the pending entries of a serve with the default id.
     */
    private Map<String, Settings.Flag> commandFlags() {
        Map<String, Settings.Flag> flags = new LinkedHashMap<>();
        if (agent != null) {
            flags.put("AI_PROVIDER", new Settings.Flag("--agent", agent));
            flags.put("AI_ENABLED", new Settings.Flag("--agent", Boolean.toString(!agent.equals("fake"))));
        }
        if (timeout != null) {
            flags.put("AI_TIMEOUT", new Settings.Flag("--timeout", timeout));
        }
        String given = parent.environment().get("RUNNER_ID");
        if ((given == null || given.isBlank()) && options.runnerId == null && !options.set.containsKey("RUNNER_ID")) {
            flags.put("RUNNER_ID", new Settings.Flag("RUNNER_ID", RunnerConfig.defaultRunnerId() + "-run-" + ProcessHandle.current().pid()));
        }
        return flags;
    }

    private static String repoUrl(String repo, RunnerConfig config) {
        Path local = Path.of(repo);
        if (Files.isDirectory(local)) {
            if (!Files.isDirectory(local.resolve(".git")) && !Files.exists(local.resolve("HEAD"))) {
                throw new ConfigurationException("--repo " + repo + " is a directory but not a git repository (run git init there first)");
            }
            return local.toAbsolutePath().normalize().toString();
        }
        if (repo.contains("://") || repo.matches("[^/]+@[^/]+:.*")) {
            try {
                return RepositoryUrls.check(repo, config.allowLocalRepos(true)).url();
            } catch (RepositoryUrls.RejectedUrlException e) {
                throw new ConfigurationException("--repo: " + e.getMessage());
            }
        }
        throw new ConfigurationException("--repo " + repo + " is neither a directory nor a git URL");
    }

    /** Reads the prompt from the argument, a file or stdin. */
    static final class Prompts {
        private Prompts() {
        }

        static String read(String prompt, String promptFile) throws IOException {
            if (promptFile != null && prompt != null) {
                throw new ConfigurationException("give the prompt either as an argument or with --prompt-file, not both");
            }
            if (promptFile == null) {
                if (prompt == null || prompt.isBlank()) {
                    throw new ConfigurationException("no prompt: give it as an argument, or with --prompt-file FILE (- for stdin)");
                }
                return prompt;
            }
            String text;
            if (promptFile.equals("-")) {
                text = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
            } else {
                Path file = Path.of(promptFile);
                if (!Files.isReadable(file)) {
                    throw new ConfigurationException("--prompt-file " + promptFile + " cannot be read");
                }
                text = Files.readString(file, StandardCharsets.UTF_8);
            }
            if (text.isBlank()) {
                throw new ConfigurationException("the prompt from " + (promptFile.equals("-") ? "stdin" : promptFile) + " is empty");
            }
            return text;
        }
    }
}
