package io.repobox.runner.service;

import io.repobox.agent.Agent;
import io.repobox.agent.AgentExecution;
import io.repobox.agent.AgentRequest;
import io.repobox.agent.AgentResult;
import io.repobox.agent.Durations;
import io.repobox.agent.OutputLine;
import io.repobox.agent.SecretMasker;
import io.repobox.agent.event.SessionFacts;
import io.repobox.agent.process.ProcessEnvironment;
import io.repobox.agent.process.ProcessExecution;
import io.repobox.agent.process.ProcessResult;
import io.repobox.agent.process.ProcessRunner;
import io.repobox.agent.process.ProcessSpec;
import io.repobox.output.redis.RedisOutputSink;
import io.repobox.runner.environment.Environments;
import io.repobox.runner.git.Git;
import io.repobox.runner.git.GitCredentials;
import io.repobox.runner.git.RepositoryUrls;
import io.repobox.runner.job.JobIds;
import io.repobox.runner.job.JobStatus;
import io.repobox.runner.job.JobStore;
import io.repobox.runner.secrets.TokenCipher;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one claimed job to its final status: workspace, clone, branch, pre-run hook, agent, commit,
 * push, counts. Every failure becomes a final status with a message that names the step and the
 * cause; the message also goes to the job's output from source {@code runner}. The final status,
 * the end marker and the cleanup always happen, also after a timeout or a cancel.
 */
public final class JobExecutor {

    private static final Logger log = LoggerFactory.getLogger(JobExecutor.class);
    private static final String EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

    /**
     * Every process of a job carries this variable with the job id, so that the processes of a runner
     * that was killed can be found and stopped by whoever recovers the job on the same host.
     */
    public static final String JOB_TAG = "REPOBOX_JOB_ID";
    private static final Duration GIT_STEP_TIMEOUT = Duration.ofMinutes(10);
    /** Appended to an idle stop's message: the setting that would let a quiet program run longer. */
    private static final String IDLE_SETTING = "(AI_IDLE_TIMEOUT)";

    /** Everything the executor needs from the runner. */
    public record Settings(String runnerId, String agentName, Path tempDir, boolean cleanup, Duration jobTimeout,
                           Duration aiTimeout, Duration idleTimeout, boolean allowLocalRepos, String encryptionKey, Duration gracePeriod,
                           List<String> secrets) {
    }

    /** How a job ended. */
    public record Outcome(String status, String failureKind, String message) {
    }

    /** A failure of a step: its final status and message. */
    private static final class StepFailure extends Exception {
        private static final long serialVersionUID = 1L;
        final String kind;

        StepFailure(String kind, String message) {
            super(message, null, false, false);
            this.kind = kind;
        }
    }

    private final Settings settings;
    private final JobStore store;
    private final Agent agent;
    private final Environments environments;

    public JobExecutor(Settings settings, JobStore store, Agent agent, Environments environments) {
        this.settings = settings;
        this.store = store;
        this.agent = agent;
        this.environments = environments;
    }

    /** Removes a job's workspace (after its runner died on this host). */
    public void removeWorkspace(String jobId) {
        delete(settings.tempDir().resolve(jobId));
    }

    /** The provider the jobs run with. */
    public String agentName() {
        return settings.agentName();
    }

    /** Runs the job (already claimed: status running); never throws. */
    public Outcome execute(String jobId, Map<String, String> job, RedisOutputSink sink, JobControl control) {
        long started = System.nanoTime();
        long deadline = started + settings.jobTimeout().toNanos();
        Map<String, String> fields = new LinkedHashMap<>();
        Path workspace = settings.tempDir().resolve(jobId);
        List<String> secrets = new ArrayList<>(settings.secrets());
        String step = "preparing the workspace";
        Outcome outcome;
        try {
            Optional<Environments.Environment> environment = environments.find(job.getOrDefault("environment", "default").isBlank()
                    ? "default" : job.get("environment"));
            if (environment.isEmpty()) {
                throw new StepFailure("internal", "Unknown environment '" + job.get("environment") + "'; known environments: "
                        + String.join(", ", environments.names()));
            }
            RepositoryUrls.Accepted url;
            try {
                url = RepositoryUrls.check(job.get("repo_url"), settings.allowLocalRepos());
            } catch (RepositoryUrls.RejectedUrlException e) {
                throw new StepFailure("internal", "The repository URL was refused: " + e.getMessage());
            }
            GitCredentials credentials = credentials(job);
            if (credentials != null) {
                secrets.addAll(credentials.secrets());
            }
            SecretMasker masker = SecretMasker.of(secrets);
            MaskingSink out = new MaskingSink(sink, masker);
            Path privateDir = prepareWorkspace(workspace);
            Path repo = workspace.resolve("repo");
            Git git = new Git(privateDir, credentials, settings.allowLocalRepos(), masker, out, settings.gracePeriod(), Map.of(JOB_TAG, jobId));
            String branch = JobIds.branch(jobId);

            step = "cloning the repository";
            out.runner("Cloning " + masker.mask(url.url()));
            List<String> clone = new ArrayList<>(List.of("clone", "--no-tags"));
            if (url.kind() != RepositoryUrls.Kind.LOCAL) {
                clone.addAll(List.of("--depth", "1"));
            }
            clone.addAll(List.of("--", url.url(), repo.toString()));
            gitStep(git, workspace, deadline, control, step, null, true, clone.toArray(String[]::new));
            // The clone's default branch is the base the changes are measured against; an empty repository has none.
            String base = Files.exists(repo.resolve(".git/refs/remotes/origin/HEAD")) ? "refs/remotes/origin/HEAD" : EMPTY_TREE;
            gitStep(git, repo, deadline, control, step, null, false, "checkout", "-q", "-b", branch);
            Files.copy(repo.resolve(".git/config"), privateDir.resolve("config"), StandardCopyOption.REPLACE_EXISTING);
            out.runner("Working on new branch " + branch + (base.equals(EMPTY_TREE) ? " (the repository is empty)" : ""));

            if (environment.get().hook().isPresent()) {
                step = "running the pre-run hook";
                runHook(jobId, environment.get(), repo, deadline, control, masker, out);
            }

            step = "running the agent";
            AgentResult result = runAgent(jobId, job, repo, environment.get().name(), deadline, control, secrets, sink);
            result.details().forEach(fields::put);
            result.exitCode().ifPresent(code -> fields.put("exit_code", Integer.toString(code)));
            if (!result.isSuccess()) {
                throw new StepFailure(result.outcome().failureKind(), result.message()
                        + (result.outcome() == AgentResult.Outcome.IDLE ? " " + IDLE_SETTING : ""));
            }
            out.runner(result.message());

            step = "committing the changes";
            // The agent may have rewritten .git/config (remotes, URL rewrites, helpers): put back ours.
            Files.copy(privateDir.resolve("config"), repo.resolve(".git/config"), StandardCopyOption.REPLACE_EXISTING);
            gitStep(git, repo, deadline, control, step, null, false, "add", "-A");
            Git.Result commit = git.run(repo, remaining(deadline, GIT_STEP_TIMEOUT), control::runningProcess,
                    commitMessage(jobId, job.getOrDefault("prompt", "")), false, "commit", "-q", "--no-verify", "-F", "-");
            if (!commit.ok() && !String.join("\n", commit.stdout()).contains("nothing to commit")) {
                throw new StepFailure("internal", "Committing the changes failed: " + commit.process().describe("git commit"));
            }
            // What differs from the base, whoever committed it (the agent may have made commits itself). An empty
            // repository where nothing was committed has no HEAD at all.
            Git.Result numstat = !commit.ok() && base.equals(EMPTY_TREE) ? new Git.Result(commit.process(), List.of())
                    : gitStep(git, repo, deadline, control, step, null, false, "diff", "--numstat", base, "HEAD");
            long added = 0;
            long removed = 0;
            int files = 0;
            for (String line : numstat.stdout()) {
                String[] cols = line.split("\t");
                if (cols.length >= 3) {
                    files++;
                    added += cols[0].equals("-") ? 0 : Long.parseLong(cols[0]);
                    removed += cols[1].equals("-") ? 0 : Long.parseLong(cols[1]);
                }
            }
            fields.put("lines_added", Long.toString(added));
            fields.put("lines_removed", Long.toString(removed));
            if (files == 0) {
                out.runner(nothingChanged(result));
                outcome = new Outcome(JobStatus.SUCCESS, "", "");
            } else {
                out.runner("Committed " + files + (files == 1 ? " file" : " files") + " (+" + added + " −" + removed + ")");

                step = "pushing the branch";
                out.runner("Pushing " + branch);
                gitStep(git, repo, deadline, control, step, null, true, "push", "--no-verify", "--porcelain", "--", url.url(),
                        "HEAD:refs/heads/" + branch);
                out.runner("Pushed " + branch);
                fields.put("branch", branch); // only a branch that exists is recorded
                outcome = new Outcome(JobStatus.SUCCESS, "", "");
            }
        } catch (StepFailure e) {
            outcome = stopped(control, deadline, step).orElse(new Outcome(JobStatus.FAILED, e.kind, e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome = stopped(control, deadline, step).orElse(new Outcome(JobStatus.FAILED, "internal", "The runner was interrupted while " + step));
        } catch (RuntimeException | IOException e) {
            log.warn("Job {} failed while {}", jobId, step, e);
            outcome = stopped(control, deadline, step).orElse(new Outcome(JobStatus.FAILED, "internal",
                    "Internal error while " + step + ": " + e.getMessage()));
        }
        String message = SecretMasker.of(secrets).mask(outcome.message());
        if (!message.isEmpty()) {
            try {
                sink.accept(OutputLine.runnerError(message));
            } catch (RuntimeException e) {
                log.warn("Job {}: the failure could not be written to its output: {}", jobId, e.getMessage());
            }
        }
        fields.put("status", outcome.status());
        fields.put("finished_at", Long.toString(System.currentTimeMillis()));
        fields.put("error_message", message);
        fields.put("failure_kind", outcome.failureKind());
        RedisRetry.call("writing the final status of job " + jobId, () -> store.finish(jobId, fields));
        if (settings.cleanup()) {
            delete(workspace);
        }
        return outcome;
    }

    /** When the job was stopped from outside, that is the outcome, whatever the step said. */
    private Optional<Outcome> stopped(JobControl control, long deadline, String step) {
        JobControl.Reason reason = control.stopReason();
        if (reason == null && System.nanoTime() >= deadline) {
            reason = JobControl.Reason.TIMED_OUT;
        }
        if (reason == null) {
            return Optional.empty();
        }
        return Optional.of(switch (reason) {
            case CANCELLED -> new Outcome(JobStatus.CANCELLED, "cancelled", "Cancelled while " + step);
            case SHUTDOWN -> new Outcome(JobStatus.CANCELLED, "cancelled", "Runner " + settings.runnerId()
                    + " was shut down while " + step + "; the job was stopped");
            case TIMED_OUT -> new Outcome(JobStatus.FAILED, "timeout", "Job timed out after "
                    + Durations.format(settings.jobTimeout()) + " (JOB_TIMEOUT) while " + step);
        });
    }

    private GitCredentials credentials(Map<String, String> job) throws StepFailure {
        String providerId = job.getOrDefault("provider_id", "");
        if (providerId.isBlank()) {
            return null;
        }
        Map<String, String> provider = store.gitProvider(job.getOrDefault("user_id", ""), providerId)
                .orElseThrow(() -> new StepFailure("internal", "The git provider '" + providerId + "' of this job's user does not exist"));
        String stored = provider.getOrDefault("token", "");
        if (stored.isBlank()) {
            return null;
        }
        TokenCipher cipher;
        try {
            cipher = TokenCipher.fromKey(settings.encryptionKey());
        } catch (IllegalArgumentException e) {
            throw new StepFailure("internal", "The git token cannot be decrypted: " + e.getMessage());
        }
        try {
            return GitCredentials.forProvider(provider.get("type"), provider.get("username"), cipher.decrypt(stored));
        } catch (TokenCipher.DecryptionException e) {
            throw new StepFailure("internal", "The git token cannot be used: " + e.getMessage());
        }
    }

    private Path prepareWorkspace(Path workspace) throws IOException {
        Path root = settings.tempDir();
        Files.createDirectories(root);
        if (!workspace.normalize().getParent().equals(root.normalize())) {
            throw new IOException("workspace " + workspace + " is not inside TEMP_DIR"); // job ids are checked; belt and braces
        }
        delete(workspace);
        Files.createDirectory(workspace, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        return Files.createDirectory(workspace.resolve("private"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    private Git.Result gitStep(Git git, Path dir, long deadline, JobControl control, String step, String stdin, boolean echo, String... args)
            throws StepFailure, InterruptedException {
        if (System.nanoTime() >= deadline || control.stopReason() != null) {
            throw new StepFailure("internal", "stopped");
        }
        Git.Result r = git.run(dir, remaining(deadline, GIT_STEP_TIMEOUT), control::runningProcess, stdin, echo, args);
        if (!r.ok()) {
            throw new StepFailure("internal", capitalize(step) + " failed: " + r.process().describe("git " + args[0]));
        }
        return r;
    }

    private void runHook(String jobId, Environments.Environment env, Path repo, long deadline, JobControl control, SecretMasker masker,
                         MaskingSink out) throws StepFailure, InterruptedException {
        Environments.Hook hook = env.hook().orElseThrow();
        String subject = "pre-run hook for environment '" + env.name() + "'";
        out.runner("Running the " + subject);
        Map<String, String> variables = ProcessEnvironment.inherited();
        variables.put(JOB_TAG, jobId);
        ProcessSpec spec = ProcessSpec.builder(hook.command()).name(subject).workingDirectory(repo)
                .environment(variables).timeout(remaining(deadline, hook.timeout())).idleTimeout(settings.idleTimeout())
                .gracePeriod(settings.gracePeriod()).masker(masker).build();
        ProcessExecution execution = ProcessRunner.start(spec, (stream, text, ts) -> out.accept(new OutputLine(ts, stream, OutputLine.Source.RUNNER, text)));
        control.runningProcess(execution);
        ProcessResult r = execution.await();
        if (!r.isSuccess()) {
            String kind = switch (r.outcome()) {
                case TIMED_OUT -> "timeout";
                case IDLE -> "idle";
                case EXITED -> "exit";
                default -> "internal";
            };
            throw new StepFailure(kind, capitalize(r.describe(subject)) + (r.outcome() == ProcessResult.Outcome.IDLE ? " " + IDLE_SETTING : ""));
        }
    }

    private AgentResult runAgent(String jobId, Map<String, String> job, Path repo, String environment, long deadline, JobControl control,
                                 List<String> secrets, RedisOutputSink sink) throws StepFailure, InterruptedException {
        Duration timeout = remaining(deadline, settings.aiTimeout());
        if (timeout.isZero()) {
            throw new StepFailure("timeout", "stopped");
        }
        sink.accept(OutputLine.runner("Running agent '" + settings.agentName() + "' (timeout " + Durations.format(timeout) + ")"));
        AgentRequest request = AgentRequest.builder(jobId, repo).prompt(job.getOrDefault("prompt", "")).environmentName(environment)
                .timeout(timeout).idleTimeout(settings.idleTimeout()).secrets(secrets).environment(JOB_TAG, jobId).build();
        AgentExecution execution = agent.start(request, sink);
        control.running(execution::cancel);
        return execution.await();
    }

    private static Duration remaining(long deadline, Duration cap) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            return Duration.ZERO.plusMillis(1);
        }
        return Duration.ofNanos(Math.min(left, cap.toNanos()));
    }

    /** Why there is nothing to commit, naming the settings when the permission mode refused the agent's tools. */
    static String nothingChanged(AgentResult result) {
        int refused = Integer.parseInt(result.details().getOrDefault(SessionFacts.PERMISSION_DENIALS, "0"));
        if (refused == 0) {
            return "The agent changed nothing: no commit, no push";
        }
        return "The agent changed nothing, and " + refused + (refused == 1 ? " tool call was" : " tool calls were")
                + " refused by the permission mode: allow the tools it needs with AI_ALLOWED_TOOLS (for example Bash,Write) or"
                + " choose another AI_PERMISSION_MODE; no commit, no push";
    }

    /** The first line of the prompt as the subject (at most 72 characters), the job id in the body. */
    static String commitMessage(String jobId, String prompt) {
        String first = prompt.strip().lines().findFirst().orElse("").strip();
        if (first.isEmpty()) {
            first = "repobox job " + jobId;
        }
        if (first.length() > 72) {
            first = first.substring(0, 71) + "…";
        }
        return first + "\n\nMade by the repobox runner for job " + jobId + ".\n";
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                    d.toFile().setWritable(true, true); // an agent may leave read-only directories
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            log.warn("Could not remove workspace {}: {}", dir, e.toString());
        }
    }
}
