package io.repobox.runner.ops;

import java.time.Duration;
import java.util.Map;

/** The facade when metrics are off: every call returns at once. */
enum NoMetrics implements RunnerMetrics {
    INSTANCE;

    @Override
    public void jobStarted(String provider) {
    }

    @Override
    public void jobEnded(String provider, String status, String failureKind, Duration duration) {
    }

    @Override
    public void stepEnded(String step, Duration duration, boolean ok) {
    }

    @Override
    public void processesStopped(int count, String when) {
    }

    @Override
    public void agentUsage(String provider, String configuredModel, Map<String, String> details) {
    }

    @Override
    public void loopTurned(String loop) {
    }
}
