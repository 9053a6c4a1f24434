package io.repobox.runner.cli;

import io.repobox.runner.config.ConfigurationException;
import io.repobox.runner.config.RunnerConfig;
import java.util.HashMap;
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

    @Option(names = "--set", paramLabel = "NAME=VALUE", description = "Set any configuration variable, e.g. --set AI_MAX_OUTPUT_LINES=5000.")
    Map<String, String> set = new LinkedHashMap<>();

    /** The environment with the flags applied. */
    RunnerConfig apply(Map<String, String> environment) {
        Map<String, String> env = new HashMap<>(environment);
        put(env, "REDIS_URL", redisUrl);
        put(env, "RUNNER_ID", runnerId);
        put(env, "MAX_CONCURRENT_JOBS", maxConcurrentJobs);
        put(env, "MAX_JOBS_PER_USER", maxJobsPerUser);
        put(env, "TEMP_DIR", tempDir);
        put(env, "JOB_TIMEOUT", jobTimeout);
        put(env, "AI_CLI_PATH", cliPath);
        put(env, "AI_MODEL", model);
        set.forEach((k, v) -> {
            if (!k.matches("[A-Z][A-Z0-9_]*")) {
                throw new ConfigurationException("--set " + k + "=…: variable names are upper case, like AI_MAX_OUTPUT_LINES");
            }
            env.put(k, v);
        });
        return RunnerConfig.of(env);
    }

    private static void put(Map<String, String> env, String name, String value) {
        if (value != null) {
            env.put(name, value);
        }
    }
}
