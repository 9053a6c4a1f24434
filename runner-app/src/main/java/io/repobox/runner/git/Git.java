package io.repobox.runner.git;

import io.repobox.agent.output.OutputLine;
import io.repobox.agent.output.OutputSink;
import io.repobox.agent.output.SecretMasker;
import io.repobox.agent.process.ProcessExecution;
import io.repobox.agent.process.ProcessResult;
import io.repobox.agent.process.ProcessRunner;
import io.repobox.agent.process.ProcessSpec;
import io.repobox.runner.config.ChildEnvironment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Runs the runner's own git commands for one job, through the process core, streaming their output
 * as runner lines.
 *
 * <p>Nothing the agent or the repository wrote can configure these commands: git is the absolute
 * {@link GitBinary} found at start-up; the system and global configuration are off
 * (GIT_CONFIG_NOSYSTEM, GIT_CONFIG_GLOBAL=/dev/null, system attributes off); HOME is an empty
 * directory of the job's private directory (so no {@code ~/.gitconfig}, {@code ~/.config/git/*});
 * every inherited {@code GIT_*} variable that could point git elsewhere is dropped; hooks, fsmonitor,
 * automatic gc and commit signing are off on every command line; only the transports of
 * {@link RepositoryUrls#allowedProtocols} are allowed; prompts are off; git-lfs's smudge is off.
 * Which repository the commands work on ({@code --git-dir}, {@code --work-tree}) is the caller's
 * choice: see {@link TrustedRepository}.
 *
 * <p>The token reaches clone and push only, through a credential helper in the job's private
 * directory that answers for the provider's host alone ({@code credential.https://HOST.helper}) and
 * reads the token from git's own environment: never argv, never a git config file, never the
 * agent's environment.
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

    /** Inherited {@code GIT_*} variables that only say how to reach a server; every other one is dropped. */
    private static final Set<String> KEPT_GIT_VARIABLES = Set.of("GIT_SSH", "GIT_SSH_COMMAND", "GIT_SSH_VARIANT",
            "GIT_SSL_CAINFO", "GIT_SSL_CAPATH", "GIT_HTTP_LOW_SPEED_LIMIT", "GIT_HTTP_LOW_SPEED_TIME");

    /** Settings on every command line: they win over any file git might still read. */
    private static final List<String> SAFE_SETTINGS = List.of("core.hooksPath=/dev/null", "core.fsmonitor=false",
            "credential.helper=", "gc.auto=0", "maintenance.auto=false", "commit.gpgSign=false", "submodule.recurse=false",
            "push.recurseSubmodules=no", "fetch.recurseSubmodules=false", "protocol.ext.allow=never", "core.askPass=");

    private final GitBinary binary;
    /** For every git command. */
    private final Map<String, String> environment;
    /** For clone and push only: with the credential helper's variables and the token. */
    private final Map<String, String> credentialEnvironment;
    /** For clone and push only: the host-scoped credential helper. */
    private final List<String> credentialSettings;
    private final SecretMasker masker;
    private final OutputSink sink;
    private final Duration gracePeriod;

    /**
     * @param privateDir  the job's directory that no agent or hook can reach; the credential helper and
     *                    the empty HOME are created in it
     * @param credentials the job's git credentials, or null
     * @param credentialHost the {@code host[:port]} of the repository URL the credentials are answered for
     *                    (checked against the provider's host beforehand); null for a local repository, which gets no credentials
     * @param inherited   the environment git starts from, already without the runner's secrets (normally
     *                    {@link ChildEnvironment#inherited()}); what could steer git is removed from it
     */
    public Git(GitBinary binary, Path privateDir, GitCredentials credentials, String credentialHost, boolean allowLocal,
               SecretMasker masker, OutputSink sink, Duration gracePeriod, Map<String, String> inherited, Map<String, String> tags) {
        this.binary = binary;
        this.masker = masker;
        this.sink = sink;
        this.gracePeriod = gracePeriod;
        Map<String, String> env = ChildEnvironment.POLICY.filter(inherited);
        env.keySet().removeIf(name -> {
            String upper = name.toUpperCase(Locale.ROOT);
            return upper.startsWith("GIT_") && !KEPT_GIT_VARIABLES.contains(upper) || upper.startsWith("XDG_")
                    || upper.equals("SSH_ASKPASS") || upper.equals("PREFIX");
        });
        env.put("HOME", directory(privateDir.resolve("home")).toString());
        env.put("GIT_CONFIG_NOSYSTEM", "1");
        env.put("GIT_CONFIG_GLOBAL", "/dev/null");
        env.put("GIT_ATTR_NOSYSTEM", "1");
        env.put("GIT_NO_REPLACE_OBJECTS", "1");
        env.put("GIT_TERMINAL_PROMPT", "0");
        env.put("GIT_LFS_SKIP_SMUDGE", "1");
        env.put("GIT_ALLOW_PROTOCOL", RepositoryUrls.allowedProtocols(allowLocal));
        env.put("GIT_AUTHOR_NAME", "repobox runner");
        env.put("GIT_AUTHOR_EMAIL", "runner@repobox.invalid");
        env.put("GIT_COMMITTER_NAME", "repobox runner");
        env.put("GIT_COMMITTER_EMAIL", "runner@repobox.invalid");
        env.put("LC_ALL", "C");
        env.putAll(tags);
        this.environment = Map.copyOf(env);
        if (credentials != null && credentialHost != null) { // a local repository (no host) never needs them
            env.put("REPOBOX_GIT_HOST", credentialHost);
            env.put("REPOBOX_GIT_USERNAME", credentials.username());
            env.put("REPOBOX_GIT_PASSWORD", credentials.token());
            this.credentialSettings = List.of("-c", "credential.https://" + credentialHost + ".helper="
                    + credentialHelper(privateDir));
        } else {
            this.credentialSettings = List.of();
        }
        this.credentialEnvironment = Map.copyOf(env);
    }

    /** The environment of every git command (for tests and for reports). */
    public Map<String, String> environment() {
        return environment;
    }

    private static Path directory(Path dir) {
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    /**
     * A git credential helper that answers {@code get} for https on exactly one host, from git's own
     * environment; it holds no secret itself.
     */
    private static String credentialHelper(Path dir) {
        Path helper = dir.resolve("git-credential.sh");
        try {
            Files.writeString(helper, """
                    #!/bin/sh
                    # Answers git's credential requests for the job's provider host only; holds no secret itself.
                    [ "$1" = get ] || exit 0
                    https= host=
                    while IFS= read -r line && [ -n "$line" ]; do
                      case "$line" in
                        protocol=https) https=1 ;;
                        host=*) [ "${line#host=}" = "$REPOBOX_GIT_HOST" ] && host=1 ;;
                      esac
                    done
                    if [ -n "$https" ] && [ -n "$host" ]; then
                      printf 'username=%s\\npassword=%s\\n' "$REPOBOX_GIT_USERNAME" "$REPOBOX_GIT_PASSWORD"
                    fi
                    """);
            Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwx------"));
            return helper.toString();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the git credential helper in " + dir, e);
        }
    }

    /**
     * Runs {@code git -c SAFE... ARGS} in {@code dir}; {@code clone}, {@code push} and
     * {@code credential} (the only commands that talk to the provider) get the credential helper.
     *
     * @param echo whether stdout lines go to the job's output (clone and push progress) or only to the result
     */
    public Result run(Path dir, Duration timeout, Tracker tracker, String stdin, boolean echo, String... args)
            throws InterruptedException {
        String verb = verb(args);
        boolean remote = verb.equals("clone") || verb.equals("push") || verb.equals("credential");
        List<String> command = new ArrayList<>();
        command.add(binary.path().toString());
        for (String setting : SAFE_SETTINGS) {
            command.add("-c");
            command.add(setting);
        }
        if (remote) {
            command.addAll(credentialSettings);
        }
        command.addAll(List.of(args));
        List<String> stdout = new ArrayList<>();
        ProcessSpec spec = ProcessSpec.builder(command).name("git " + verb).workingDirectory(dir)
                .environment(remote ? credentialEnvironment : environment)
                .stdin(stdin == null ? "" : stdin).timeout(timeout).gracePeriod(gracePeriod).masker(masker).build();
        ProcessExecution execution = ProcessRunner.start(spec, (stream, text, ts) -> {
            if (stream == OutputLine.Stream.STDOUT) {
                synchronized (stdout) {
                    stdout.add(text);
                }
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

    /** The git command of {@code args}, after the options that precede it ({@code --git-dir=…}). */
    private static String verb(String... args) {
        for (String arg : args) {
            if (!arg.startsWith("-")) {
                return arg;
            }
        }
        return "";
    }
}
