package io.repobox.runner.cli;

import io.repobox.agent.Agent;
import io.repobox.agent.AgentExecution;
import io.repobox.agent.AgentProviders;
import io.repobox.agent.AgentRequest;
import io.repobox.agent.AgentResult;
import io.repobox.agent.Durations;
import io.repobox.agent.OutputLine;
import io.repobox.runner.config.ConfigurationException;
import io.repobox.runner.config.RunnerConfig;
import io.repobox.runner.console.ConsoleSink;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code run}: one agent run in a directory, output printed live, the contract's exit codes. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run an agent on a repository and print its output live.",
                "Ctrl-C cancels the run: the agent's whole process tree is stopped and the exit code is 130."})
final class RunCommand implements Callable<Integer> {

    @ParentCommand
    RunnerCli parent;

    @Spec
    CommandSpec spec;

    @Option(names = "--repo", required = true, paramLabel = "DIR", description = "The repository to run the agent in.")
    Path repo;

    @Option(names = "--agent", paramLabel = "NAME",
            description = "The agent provider (default: AI_PROVIDER, or fake when AI_ENABLED=false).")
    String agent;

    @Option(names = "--environment", paramLabel = "NAME", defaultValue = "default",
            description = "The runtime environment's name (default: ${DEFAULT-VALUE}).")
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
        PrintWriter err = spec.commandLine().getErr();
        RunnerConfig config = parent.config();
        String promptText = readPrompt();
        if (!Files.isDirectory(repo)) {
            throw new ConfigurationException("--repo " + repo + " is not a directory");
        }
        Duration limit = effectiveTimeout(config);
        String agentName = agent != null ? agent : config.agentName();
        Agent created = AgentProviders.load().get(agentName).create(config.agentConfig());
        ConsoleSink sink = new ConsoleSink(spec.commandLine().getOut(), err);
        AgentRequest request = AgentRequest.builder("run-" + UUID.randomUUID().toString().substring(0, 8), repo.toAbsolutePath().normalize())
                .prompt(promptText).environmentName(environment).timeout(limit).secrets(config.secrets()).build();

        sink.accept(OutputLine.runner("Running agent '" + agentName + "' in " + request.workingDirectory() + " (timeout "
                + Durations.format(limit) + ")"));
        try (created) {
            // Ctrl-C (SIGINT) or SIGTERM: stop the agent's tree before the JVM exits (it then exits with
            // 130 / 143). The hook is in place before the agent starts, so no signal can slip between.
            CompletableFuture<AgentExecution> started = new CompletableFuture<>();
            Thread onSignal = new Thread(() -> cancelAndReport(started, sink), "repobox-run-cancel");
            Runtime.getRuntime().addShutdownHook(onSignal);
            AgentResult result;
            try {
                AgentExecution execution = created.start(request, sink);
                started.complete(execution);
                result = execution.await();
            } finally {
                started.complete(null); // if start failed, the hook must not wait for it
                removeHook(onSignal);
            }
            report(result, sink);
            return ExitCodes.of(result.outcome());
        }
    }

    private static void cancelAndReport(CompletableFuture<AgentExecution> started, ConsoleSink sink) {
        try {
            AgentExecution execution = started.get(30, TimeUnit.SECONDS); // start() returns at once; this only bridges the gap
            if (execution == null || execution.isDone()) {
                return;
            }
            execution.cancel();
            execution.await(Duration.ofSeconds(30)).ifPresent(r -> report(r, sink));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // nothing was started
        }
    }

    private static void report(AgentResult result, ConsoleSink sink) {
        String text = result.message() + " (" + Durations.format(result.duration()) + ")";
        sink.accept(result.isSuccess() ? OutputLine.runner(text) : OutputLine.runnerError(text));
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down: the hook is running and will report.
        }
    }

    private Duration effectiveTimeout(RunnerConfig config) {
        Duration agentLimit;
        if (timeout != null) {
            try {
                agentLimit = Durations.parse(timeout);
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException("--timeout: " + e.getMessage());
            }
            if (agentLimit.isZero()) {
                throw new ConfigurationException("--timeout must be longer than zero");
            }
        } else {
            agentLimit = config.aiTimeout();
        }
        Duration jobLimit = config.jobTimeout();
        return agentLimit.compareTo(jobLimit) <= 0 ? agentLimit : jobLimit;
    }

    private String readPrompt() throws IOException {
        if (promptFile != null && prompt != null) {
            throw new ConfigurationException("give the prompt either as an argument or with --prompt-file, not both");
        }
        if (promptFile == null) {
            return Optional.ofNullable(prompt).filter(p -> !p.isBlank()).orElseThrow(() -> new ConfigurationException(
                    "no prompt: give it as an argument, or with --prompt-file FILE (- for stdin)"));
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
