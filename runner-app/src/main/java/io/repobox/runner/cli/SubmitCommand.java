package io.repobox.runner.cli;

import io.repobox.runner.config.RunnerConfig;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code submit}: writes a job exactly as the web app does and prints its id. */
@Command(name = "submit", mixinStandardHelpOptions = true,
        description = "Queue a job as the web app does (job hash, then queue entry) and print its id on a line of its own.")
final class SubmitCommand implements Callable<Integer> {

    @ParentCommand
    RunnerCommand parent;

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions options = new ConfigOptions();

    @Option(names = "--repo", required = true, paramLabel = "URL", description = "The repository URL (a path needs ALLOW_LOCAL_REPOS on the runner).")
    String repo;

    @Option(names = "--environment", defaultValue = "default", paramLabel = "NAME", description = "The runtime environment (default: ${DEFAULT-VALUE}).")
    String environment;

    @Option(names = "--user", defaultValue = "cli", paramLabel = "USER", description = "The user id (default: ${DEFAULT-VALUE}).")
    String user;

    @Option(names = "--provider-id", paramLabel = "ID", description = "The user's git provider (git_provider:{user}:{id}) for the token.")
    String providerId;

    @Option(names = "--follow", description = {"Print the job's output until it ends and exit with its code.",
            "Ctrl-C stops following (exit code 4); the job goes on."})
    boolean follow;

    @Option(names = "--json", description = "Print {\"id\": …} as one JSON document instead of the bare id.")
    boolean json;

    @Option(names = "--prompt-file", paramLabel = "FILE|-", description = "Read the prompt from FILE, or from stdin with -.")
    String promptFile;

    @Parameters(arity = "0..1", paramLabel = "PROMPT")
    String prompt;

    @Override
    public Integer call() throws Exception {
        RunnerConfig config = options.apply(parent.environment());
        String text = RunCommand.Prompts.read(prompt, promptFile);
        if (repo.contains("://") && repo.matches("(?i)[a-z][a-z0-9+.-]*://[^/@]*@.*") && !repo.toLowerCase(java.util.Locale.ROOT).startsWith("ssh://")) {
            // Checked here too so that the token never reaches Redis, and the mistake is a usage error.
            throw new io.repobox.runner.config.ConfigurationException("--repo: the repository URL contains credentials; remove them and "
                    + "give the token through a git provider (--provider-id)");
        }
        PrintWriter out = spec.commandLine().getOut();
        try (RedisSession session = RedisSession.open(config)) {
            String id = session.submit(repo, text, environment, user, providerId);
            out.println(json ? Json.write(Map.of("id", id)) : id);
            out.flush();
            if (!follow) {
                return ExitCodes.SUCCESS;
            }
            return Following.follow(session, id, parent.console(spec));
        }
    }
}
