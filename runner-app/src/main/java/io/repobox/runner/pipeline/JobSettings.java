package io.repobox.runner.pipeline;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What every job of a runner shares: who runs it, where workspaces go, the timeouts, and the
 * runner's own secrets (masked in every job's output).
 *
 * @param idleTimeout AI_IDLE_TIMEOUT: how long the agent or the hook may print nothing before it is stopped as hung
 */
public record JobSettings(String runnerId, String agentName, Path tempDir, boolean cleanup, Duration jobTimeout,
                          Duration aiTimeout, Duration idleTimeout, boolean allowLocalRepos, String encryptionKey, Duration gracePeriod,
                          List<String> secrets) {

    public JobSettings {
        secrets = List.copyOf(secrets);
    }
}
