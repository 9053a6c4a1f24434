package io.repobox.runner.git;

import io.repobox.agent.OutputLine;
import io.repobox.agent.OutputSink;
import io.repobox.agent.SecretMasker;
import io.repobox.agent.process.ProcessEnvironment;
import io.repobox.agent.process.ProcessExecution;
import io.repobox.agent.process.ProcessResult;
import io.repobox.agent.process.ProcessRunner;
import io.repobox.agent.process.ProcessSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs git for one job, through the process core, streaming its output as runner lines.
 *
 * <p>The token is handed over by a {@code GIT_ASKPASS} helper that lives in the job's private
 * directory, outside the repository, and reads it from git's own environment, for clone and push
 * only: never argv, never {@code .git/config}, never the agent's environment. Only the transports of
 * {@link RepositoryUrls#allowedProtocols} are allowed (GIT_ALLOW_PROTOCOL), prompts are off, and
 * hooks never run ({@code core.hooksPath=/dev/null}): after the agent, the repository is not
 * trusted.
 */
public final class Git {

    /** What a git command printed on stdout, and how it ended. */
    public record Result(ProcessResult process, List<String> stdout) {
        public boolean ok() {
            return process.isSuccess();
        }
    }

    /** Lets a running git command be cancelled from outside. */
    public interface Tracker {
        void started(ProcessExecution execution);
    }

    /** For every git command. */
    private final Map<String, String> environment;
    /** For clone and push only: with the credential helper and the token. */
    private final Map<String, String> credentialEnvironment;
    private final SecretMasker masker;
    private final OutputSink sink;
    private final Duration gracePeriod;

    public Git(Path privateDir, GitCredentials credentials, boolean allowLocal, SecretMasker masker, OutputSink sink,
               Duration gracePeriod, Map<String, String> tags) {
        this.masker = masker;
        this.sink = sink;
        this.gracePeriod = gracePeriod;
        Map<String, String> env = ProcessEnvironment.inherited();
        env.put("GIT_TERMINAL_PROMPT", "0");
        env.put("GIT_ALLOW_PROTOCOL", RepositoryUrls.allowedProtocols(allowLocal));
        env.put("GIT_AUTHOR_NAME", "repobox runner");
        env.put("GIT_AUTHOR_EMAIL", "runner@repobox.invalid");
        env.put("GIT_COMMITTER_NAME", "repobox runner");
        env.put("GIT_COMMITTER_EMAIL", "runner@repobox.invalid");
        env.put("LC_ALL", "C");
        env.putAll(tags);
        this.environment = Map.copyOf(env);
        if (credentials != null) {
            env.put("GIT_ASKPASS", askpass(privateDir).toString());
            env.put("REPOBOX_GIT_USERNAME", credentials.username());
            env.put("REPOBOX_GIT_PASSWORD", credentials.token());
        }
        this.credentialEnvironment = Map.copyOf(env);
    }

    private static Path askpass(Path dir) {
        Path helper = dir.resolve("git-askpass.sh");
        try {
            Files.writeString(helper, """
                    #!/bin/sh
                    # Answers git's credential prompts from git's own environment; holds no secret itself.
                    case "$1" in
                      Username*) printf '%s\\n' "$REPOBOX_GIT_USERNAME" ;;
                      *) printf '%s\\n' "$REPOBOX_GIT_PASSWORD" ;;
                    esac
                    """);
            Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwx------"));
            return helper;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the git credential helper in " + dir, e);
        }
    }

    /**
     * Runs {@code git -c core.hooksPath=/dev/null -c credential.helper= ARGS} in {@code dir}.
     *
     * @param echo whether stdout lines go to the job's output (clone and push progress) or only to the result
     */
    public Result run(Path dir, Duration timeout, Tracker tracker, String stdin, boolean echo, String... args)
            throws InterruptedException {
        List<String> command = new ArrayList<>(List.of("git", "-c", "core.hooksPath=/dev/null", "-c", "credential.helper="));
        command.addAll(List.of(args));
        List<String> stdout = new ArrayList<>();
        Consumer<String> collect = line -> {
            synchronized (stdout) {
                stdout.add(line);
            }
        };
        boolean remote = args[0].equals("clone") || args[0].equals("push"); // the only steps that need the token
        ProcessSpec spec = ProcessSpec.builder(command).name("git " + args[0]).workingDirectory(dir)
                .environment(remote ? credentialEnvironment : environment)
                .stdin(stdin == null ? "" : stdin).timeout(timeout).gracePeriod(gracePeriod).masker(masker).build();
        ProcessExecution execution = ProcessRunner.start(spec, (stream, text, ts) -> {
            if (stream == OutputLine.Stream.STDOUT) {
                collect.accept(text);
                if (echo) {
                    sink.accept(new OutputLine(ts, stream, OutputLine.Source.RUNNER, text));
                }
            } else {
                sink.accept(new OutputLine(ts, stream, OutputLine.Source.RUNNER, text));
            }
        });
        tracker.started(execution);
        ProcessResult result = execution.await();
        synchronized (stdout) {
            return new Result(result, List.copyOf(stdout));
        }
    }
}
