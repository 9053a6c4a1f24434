package io.repobox.runner.cli;

import io.repobox.runner.config.RunnerConfig;
import io.repobox.runner.config.Settings;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Flags that override the environment variables: named ones for the common settings, and
 * {@code --set NAME=VALUE} for any variable of the configuration reference.
 */
final class ConfigOptions {

    @Option(names = "--redis-url", paramLabel = "URL", description = "REDIS_URL")
    String redisUrl;

    @Option(names = "--runner-id", paramLabel = "ID", description = "RUNNER_ID")
    String runnerId;

    @Option(names = "--max-concurrent-jobs", paramLabel = "N", description = "MAX_CONCURRENT_JOBS")
    String maxConcurrentJobs;

    @Option(names = "--max-jobs-per-user", paramLabel = "N", description = "MAX_JOBS_PER_USER")
    String maxJobsPerUser;

    @Option(names = "--temp-dir", paramLabel = "DIR", description = "TEMP_DIR")
    String tempDir;

    @Option(names = "--job-timeout", paramLabel = "DURATION", description = "JOB_TIMEOUT")
    String jobTimeout;

    @Option(names = "--cli-path", paramLabel = "PATH", description = "AI_CLI_PATH")
    String cliPath;

    @Option(names = "--model", paramLabel = "MODEL", description = "AI_MODEL")
    String model;

    @Option(names = "--set", paramLabel = "NAME=VALUE", description = {"Set any configuration variable, e.g. --set AI_MAX_OUTPUT_LINES=5000.",
            "Secrets are refused here (the process list shows them): use the variable or its _FILE form."})
    Map<String, String> set = new LinkedHashMap<>();

    /** The settings: the environment with these flags applied, parsed once. */
    RunnerConfig apply(Map<String, String> environment) {
        return apply(environment, Map.of());
    }

    /** As {@link #apply(Map)}, with a command's own flags (variable name → flag) applied last. */
    RunnerConfig apply(Map<String, String> environment, Map<String, Settings.Flag> commandFlags) {
        Map<String, Settings.Flag> flags = new LinkedHashMap<>();
        put(flags, "REDIS_URL", "--redis-url", redisUrl);
        put(flags, "RUNNER_ID", "--runner-id", runnerId);
        put(flags, "MAX_CONCURRENT_JOBS", "--max-concurrent-jobs", maxConcurrentJobs);
        put(flags, "MAX_JOBS_PER_USER", "--max-jobs-per-user", maxJobsPerUser);
        put(flags, "TEMP_DIR", "--temp-dir", tempDir);
        put(flags, "JOB_TIMEOUT", "--job-timeout", jobTimeout);
        put(flags, "AI_CLI_PATH", "--cli-path", cliPath);
        put(flags, "AI_MODEL", "--model", model);
        set.forEach((k, v) -> flags.put(k, new Settings.Flag("--set " + k, v)));
        flags.putAll(commandFlags);
        return RunnerConfig.of(environment, flags);
    }

    private static void put(Map<String, Settings.Flag> flags, String name, String flag, String value) {
        if (value != null) {
            flags.put(name, new Settings.Flag(flag, value));
        }
    }
}
