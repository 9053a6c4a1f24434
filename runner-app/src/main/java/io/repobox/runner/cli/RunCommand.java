package io.repobox.runner.cli;

import io.repobox.agent.Durations;
import io.repobox.output.redis.EmbeddedRedis;
import io.repobox.runner.config.ConfigurationException;
import io.repobox.runner.config.RunnerConfig;
import io.repobox.runner.service.Runner;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
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
                "Ctrl-C cancels the job: the agent's whole process tree is stopped and the exit code is 130."})
final class RunCommand implements Callable<Integer> {

    @ParentCommand
    RunnerCli parent;

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

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String promptText = Prompts.read(prompt, promptFile);
        Map<String, String> env = new HashMap<>(parent.environment());
        if (agent != null) {
            env.put("AI_PROVIDER", agent);
            env.put("AI_ENABLED", Boolean.toString(!agent.equals("fake")));
        }
        if (timeout != null) {
            try {
                env.put("AI_TIMEOUT", Long.toString(Math.max(1, Durations.parse(timeout).toMillis() / 1000)));
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException("--timeout: " + e.getMessage());
            }
        }
        RunnerConfig config = options.apply(env);
        String repoUrl = repoUrl(repo);
        // Malformed values and unknown providers fail now, before anything is started.
        config.aiTimeout();
        config.jobTimeout();
        io.repobox.agent.AgentProviders.load().get(config.agentName());

        EmbeddedRedis embedded = null;
        String url = config.redisUrl();
        if (url == null) {
            embedded = EmbeddedRedis.startEphemeral(Files.createTempDirectory("repobox-run-redis"));
            url = embedded.url();
            err.println("[runner] Started an embedded Redis for this run on 127.0.0.1:" + embedded.port() + " (set REDIS_URL to use yours)");
            err.flush();
        }
        try (Runner runner = Runner.create(withRunnerId(config, env), url, true, Duration.ofSeconds(30));
             RedisSession session = new RedisSession(url)) {
            runner.service().start();
            String jobId = session.submit(repoUrl, promptText, environment, "local", "");
            err.println("[runner] Job " + jobId + " submitted");
            err.flush();
            AtomicReference<String> finished = new AtomicReference<>();
            // Ctrl-C or SIGTERM: cancel the job and wait for its final status before the JVM exits.
            Thread onSignal = new Thread(() -> {
                if (finished.get() == null) {
                    session.store.requestCancel(jobId, System.currentTimeMillis());
                    JobConsole.print(session.output, jobId, true, out, err);
                    err.println("[runner] " + JobConsole.summary(session.store.load(jobId).orElse(Map.of())));
                    err.flush();
                }
            }, "repobox-run-cancel");
            Runtime.getRuntime().addShutdownHook(onSignal);
            try {
                JobConsole.print(session.output, jobId, true, out, err);
            } finally {
                finished.set("done");
                try {
                    Runtime.getRuntime().removeShutdownHook(onSignal);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running and reports
                }
            }
            Map<String, String> job = session.store.load(jobId).orElseThrow();
            err.println("[runner] " + JobConsole.summary(job));
            err.flush();
            return JobConsole.exitCode(job);
        } finally {
            if (embedded != null) {
                embedded.close();
            }
        }
    }

    /** A runner id of its own, so that run never takes over the pending entries of a serve with the default id. */
    private static RunnerConfig withRunnerId(RunnerConfig config, Map<String, String> env) {
        if (env.containsKey("RUNNER_ID")) {
            return config;
        }
        Map<String, String> copy = new HashMap<>(env);
        copy.put("RUNNER_ID", config.runnerId() + "-run-" + ProcessHandle.current().pid());
        return RunnerConfig.of(copy);
    }

    private static String repoUrl(String repo) {
        Path local = Path.of(repo);
        if (Files.isDirectory(local)) {
            if (!Files.isDirectory(local.resolve(".git")) && !Files.exists(local.resolve("HEAD"))) {
                throw new ConfigurationException("--repo " + repo + " is a directory but not a git repository (run git init there first)");
            }
            return local.toAbsolutePath().normalize().toString();
        }
        if (repo.contains("://") || repo.matches("[^/]+@[^/]+:.*")) {
            return repo;
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
