package io.repobox.runner.cli;

import io.repobox.runner.config.ConfigurationException;
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

/** {@code retry}: a new job like an ended one, linked to it. */
@Command(name = "retry", mixinStandardHelpOptions = true,
        description = {"Queue a new job with the same repository, environment, prompt, user and git provider as JOB_ID",
                "(which must have ended), linked to it by its retry_of field, and print the new id like submit."})
final class RetryCommand implements Callable<Integer> {

    @ParentCommand
    RunnerCommand parent;

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions options = new ConfigOptions();

    @Option(names = "--follow", description = "Print the new job's output until it ends and exit with its code.")
    boolean follow;

    @Parameters(paramLabel = "JOB_ID")
    String jobId;

    @Override
    public Integer call() throws Exception {
        RunnerConfig config = options.apply(parent.environment());
        RedisSession.checkJobId(jobId);
        PrintWriter out = spec.commandLine().getOut();
        try (RedisSession session = RedisSession.open(config)) {
            Map<String, String> first = session.store.load(jobId)
                    .orElseThrow(() -> new ConfigurationException("job " + jobId + " does not exist"));
            String status = first.getOrDefault("status", "");
            if (status.equals("pending") || status.equals("running")) {
                throw new ConfigurationException("job " + jobId + " is " + status + "; retry it once it has ended, or cancel it first");
            }
            String id = session.submit(first.getOrDefault("repo_url", ""), first.getOrDefault("prompt", ""),
                    first.getOrDefault("environment", "default"), first.getOrDefault("user_id", ""),
                    first.getOrDefault("provider_id", ""), Map.of("retry_of", jobId));
            out.println(id);
            out.flush();
            if (!follow) {
                return ExitCodes.SUCCESS;
            }
            return Following.follow(session, id, parent.console(spec));
        }
    }
}
