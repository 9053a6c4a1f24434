package io.repobox.runner.cli;

import io.repobox.runner.config.ConfigurationException;
import io.repobox.runner.config.RunnerConfig;
import io.repobox.runner.text.TerminalText;
import java.io.PrintWriter;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code status}: a job's record. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Print a job's record (without its prompt).")
final class StatusCommand implements Callable<Integer> {

    @ParentCommand
    RunnerCommand parent;

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions options = new ConfigOptions();

    @Option(names = "--json", description = "Print the record as one JSON object.")
    boolean json;

    @Parameters(paramLabel = "JOB_ID")
    String jobId;

    @Override
    public Integer call() {
        RunnerConfig config = options.apply(parent.environment());
        RedisSession.checkJobId(jobId);
        try (RedisSession session = RedisSession.open(config)) {
            Map<String, String> job = session.store.load(jobId)
                    .orElseThrow(() -> new ConfigurationException("job " + jobId + " does not exist"));
            PrintWriter out = spec.commandLine().getOut();
            Map<String, String> shown = new TreeMap<>(job);
            shown.remove("prompt");
            if (json) {
                out.println(Json.write(shown));
            } else {
                shown.forEach((k, v) -> out.println(TerminalText.sanitize(k, false) + ": " + TerminalText.sanitize(v, false)));
            }
            out.flush();
            return ExitCodes.SUCCESS;
        }
    }
}
