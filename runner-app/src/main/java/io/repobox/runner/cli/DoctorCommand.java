package io.repobox.runner.cli;

import io.repobox.agent.Readiness;
import io.repobox.agent.process.ProcessResult;
import io.repobox.agent.process.ProcessRunner;
import io.repobox.agent.process.ProcessSpec;
import io.repobox.agent.spi.AgentProviders;
import io.repobox.output.redis.RedisOutput;
import io.repobox.output.redis.RedisOutputOptions;
import io.repobox.redis.Redis;
import io.repobox.runner.config.ChildEnvironment;
import io.repobox.runner.config.ConfigurationException;
import io.repobox.runner.config.RunnerConfig;
import io.repobox.runner.environment.Environments;
import io.repobox.runner.sandbox.Sandbox;
import io.repobox.runner.sandbox.SandboxSettings;
import io.repobox.runner.secrets.ProcessExposure;
import io.repobox.runner.workspace.WorkspaceRoot;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code doctor}: checks what a runner needs and says what to fix. */
@Command(name = "doctor", mixinStandardHelpOptions = true, description = "Check Redis, git, the agent CLI, the API key, the sandbox and TEMP_DIR, and say what to fix.")
final class DoctorCommand implements Callable<Integer> {

    @ParentCommand
    RunnerCommand parent;

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions options = new ConfigOptions();

    @Override
    public Integer call() throws Exception {
        RunnerConfig config = options.apply(parent.environment());
        PrintWriter out = spec.commandLine().getOut();
        List<String> problems = new ArrayList<>();
        String url = config.redisUrlOrDefault();
        try (RedisOutput output = RedisOutput.connect(RedisOutputOptions.builder(url).build())) {
            out.println("ok    Redis at " + Redis.redact(url));
            if (!url.matches("[a-z-]+://[^/]*@.*")) {
                // It answered a client that gave no credentials: so does anything else that can reach it.
                out.println("warn  Redis at " + Redis.redact(url) + " accepts connections without a password: whatever can reach it can "
                        + "read every job and token ciphertext and forge statuses; set requirepass or an ACL user and give the password "
                        + "in REDIS_URL or REDIS_PASSWORD_FILE");
            }
        } catch (RuntimeException e) {
            problems.add("Redis: " + e.getMessage() + " (set REDIS_URL)");
        }
        List<String> version = new ArrayList<>();
        ProcessResult git = ProcessRunner.run(ProcessSpec.builder("git", "--version").environment(ChildEnvironment.inherited())
                .timeout(Duration.ofSeconds(10)).build(), (s, t, ts) -> version.add(t));
        if (git.isSuccess()) {
            out.println("ok    " + String.join(" ", version));
        } else {
            problems.add("git: " + git.describe("git --version") + " (install git)");
        }
        String agentName = config.agentName();
        Readiness readiness = AgentProviders.load().get(agentName).readiness(config.agentConfig());
        if (readiness.ready()) {
            out.println("ok    agent '" + agentName + "': " + readiness.summary());
        } else {
            readiness.problems().forEach(p -> problems.add("agent '" + agentName + "': " + p));
        }
        if (agentName.equals("claude") && config.agentConfig().getString("api-key").isEmpty()
                && config.agentConfig().getString("auth-token").isEmpty()) {
            out.println("warn  ANTHROPIC_API_KEY is not set: the Claude CLI must be logged in as this user");
        }
        // serve's default (required): doctor checks what a service runner needs.
        Sandbox sandbox = Sandbox.detect(SandboxSettings.from(config, SandboxSettings.Mode.REQUIRED), config.tempDir());
        if (sandbox.enabled()) {
            out.println("ok    sandbox: " + sandbox.describe());
        } else if (sandbox.settings().mode() == SandboxSettings.Mode.REQUIRED) {
            problems.add("sandbox: " + sandbox.problem() + "; " + Sandbox.INSTALL_HINT + " (SANDBOX=required is serve's default)");
        } else {
            out.println("warn  " + sandbox.describe());
        }
        Path temp = config.tempDir();
        try {
            WorkspaceRoot.prepare(temp);
            Path probe = Files.createTempFile(temp, "doctor", ".tmp");
            Files.delete(probe);
            out.println("ok    TEMP_DIR " + temp + " is writable and private to the runner's user");
        } catch (ConfigurationException e) {
            problems.add(e.getMessage());
        } catch (Exception e) {
            problems.add("TEMP_DIR " + temp + " is not writable: " + e.getMessage());
        }
        try {
            out.println("ok    environments: " + String.join(", ", Environments.load(config.environmentsFile()).names()));
        } catch (RuntimeException e) {
            problems.add(e.getMessage());
        }
        ProcessExposure.warnings().forEach(w -> out.println("warn  " + w));
        problems.forEach(p -> out.println("FIX   " + p));
        out.flush();
        return problems.isEmpty() ? ExitCodes.SUCCESS : ExitCodes.USAGE;
    }
}
