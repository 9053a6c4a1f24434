package io.repobox.runner.cli;

import io.repobox.runner.config.ConfigurationException;
import io.repobox.runner.config.RunnerConfig;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code logs}: a job's output. */
@Command(name = "logs", mixinStandardHelpOptions = true, description = "Print a job's output; --follow waits for more until the job ends.")
final class LogsCommand implements Callable<Integer> {

    @ParentCommand
    RunnerCommand parent;

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions options = new ConfigOptions();

    @Option(names = "--follow", description = {"Follow the output until the job ends, then exit with the job's code.",
            "Ctrl-C stops following (exit code 4); the job goes on."})
    boolean follow;

    @Parameters(paramLabel = "JOB_ID")
    String jobId;

    @Override
    public Integer call() {
        RunnerConfig config = options.apply(parent.environment());
        RedisSession.checkJobId(jobId);
        try (RedisSession session = RedisSession.open(config)) {
            Map<String, String> job = session.store.load(jobId)
                    .orElseThrow(() -> new ConfigurationException("job " + jobId + " does not exist"));
            if (follow) {
                return Following.follow(session, jobId, parent.console(spec));
            }
            parent.console(spec).print(session.output(), jobId, false, () -> job.getOrDefault("status", ""));
            return ExitCodes.SUCCESS;
        }
    }
}
