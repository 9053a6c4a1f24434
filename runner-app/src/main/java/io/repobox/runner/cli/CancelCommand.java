package io.repobox.runner.cli;

import io.repobox.runner.config.ConfigurationException;
import io.repobox.runner.config.RunnerConfig;
import io.repobox.runner.job.JobStatus;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code cancel}: cancels a pending job at once, or stops a running one within seconds. */
@Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel a pending job, or stop a running one.")
final class CancelCommand implements Callable<Integer> {

    @ParentCommand
    RunnerCommand parent;

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions options = new ConfigOptions();

    @Parameters(paramLabel = "JOB_ID")
    String jobId;

    @Override
    public Integer call() {
        RunnerConfig config = options.apply(parent.environment());
        RedisSession.checkJobId(jobId);
        try (RedisSession session = RedisSession.open(config)) {
            // The cancel script answers "cancelled" both for a pending job it cancels and for one cancelled before.
            String before = session.store.load(jobId).map(j -> j.getOrDefault("status", "")).orElse("");
            String result = session.store.requestCancel(jobId, System.currentTimeMillis());
            PrintWriter out = spec.commandLine().getOut();
            switch (result) {
                case "missing" -> throw new ConfigurationException("job " + jobId + " does not exist");
                case "cancelled" -> out.println(JobStatus.CANCELLED.value().equals(before) ? "Job " + jobId + " was already cancelled; nothing to do."
                        : "Job " + jobId + " was pending and is cancelled; it will not start.");
                case "requested" -> out.println("Job " + jobId + " is running; its runner stops it within seconds.");
                default -> out.println("Job " + jobId + " has already ended (" + result + "); nothing to cancel.");
            }
            out.flush();
            return ExitCodes.SUCCESS;
        }
    }
}
