package io.repobox.runner.cli;

import io.repobox.redis.Redis;
import io.repobox.runner.config.RunnerConfig;
import io.repobox.runner.sandbox.SandboxSettings;
import io.repobox.runner.service.Runner;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code serve}: the runner service. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Take jobs from Redis and run them until stopped.",
                "SIGTERM or Ctrl-C: stop taking jobs, let running ones finish for SHUTDOWN_GRACE, then cancel them."})
final class ServeCommand implements Callable<Integer> {

    @ParentCommand
    RunnerCommand parent;

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions options = new ConfigOptions();

    @Override
    public Integer call() throws Exception {
        RunnerConfig config = options.apply(parent.environment());
        String url = config.redisUrlOrDefault();
        // Redis down at start is waited for (with backoff, logged), never a crash loop.
        Runner runner = Runner.create(config, url, false, Duration.ofDays(3650), SandboxSettings.Mode.REQUIRED);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread onSignal = new Thread(() -> {
            runner.close();
            stopped.countDown();
        }, "repobox-serve-shutdown");
        Runtime.getRuntime().addShutdownHook(onSignal);
        runner.service().start();
        runner.startOperations(); // HTTP_ADDRESS: /healthz, /readyz, /metrics
        spec.commandLine().getErr().println("[runner] " + config.runnerId() + " serving jobs from " + Redis.redact(url));
        spec.commandLine().getErr().flush();
        stopped.await();
        return ExitCodes.SUCCESS;
    }
}
