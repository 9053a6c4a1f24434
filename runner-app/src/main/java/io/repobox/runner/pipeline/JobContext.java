package io.repobox.runner.pipeline;

import io.repobox.agent.output.OutputSink;
import io.repobox.agent.output.SecretMasker;
import io.repobox.agent.process.ProcessExecution;
import io.repobox.agent.process.ProcessLauncher;
import io.repobox.runner.environment.Environments;
import io.repobox.runner.git.GitCredentials;
import io.repobox.runner.git.RepositoryUrls;
import io.repobox.runner.git.TrustedRepository;
import io.repobox.runner.job.Job;
import io.repobox.runner.job.JobIds;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything one job's steps share: the job, its deadline and control, its output, its workspace,
 * and what earlier steps found out for later ones (the environment, the repository URL, the
 * credentials, the runner's own repository). Steps set the parts they
 * produce; a part a step needs and an earlier step did not set is a programming error.
 *
 * <p>Processes that run the repository's or the agent's code (the hook, the agent) are started
 * through {@link #launcher()}: {@link ProcessLauncher#direct()} unless a step before them set a
 * confining one. Git runs on the runner's side of that boundary. Used by one job thread at a time.
 */
public final class JobContext {

    /** The longest one git command may take (within the job's deadline). */
    static final Duration GIT_COMMAND_TIMEOUT = Duration.ofMinutes(10);

    private final Job job;
    private final JobSettings settings;
    private final OutputSink sink;
    private final JobControl control;
    private java.util.List<String> lastGitStdout = java.util.List.of();
    private final long deadline;
    private final Path workspace;
    private final Path repo;
    private final String branch;
    private final List<String> secrets;
    private final Map<String, String> details = new LinkedHashMap<>();
    private SecretMasker masker;
    private MaskingSink out;
    private ProcessLauncher launcher = ProcessLauncher.direct();
    private final List<AutoCloseable> closeAtEnd = new ArrayList<>();
    private final Map<String, String> agentEnvironment = new LinkedHashMap<>();
    private Environments.Environment environment;
    private RepositoryUrls.Accepted url;
    private GitCredentials credentials;
    private Path privateDir;
    private TrustedRepository repository;
    private int changedFiles;

    JobContext(Job job, JobSettings settings, OutputSink sink, JobControl control, long startedNanos) {
        this.job = job;
        this.settings = settings;
        this.sink = sink;
        this.control = control;
        this.deadline = startedNanos + settings.jobTimeout().toNanos();
        this.workspace = settings.tempDir().resolve(job.id());
        this.repo = workspace.resolve("repo");
        this.branch = JobIds.branch(job.id());
        this.secrets = new ArrayList<>(settings.secrets());
        useMasker();
    }

    public Job job() {
        return job;
    }

    public JobSettings settings() {
        return settings;
    }

    public JobControl control() {
        return control;
    }

    /** The job's output as the agent writes it (the agent masks its own lines). */
    public OutputSink sink() {
        return sink;
    }

    /** The job's output for the runner's own lines, with every secret of the job masked. */
    public MaskingSink out() {
        return out;
    }

    public SecretMasker masker() {
        return masker;
    }

    /** The runner's secrets and the job's own (its git token): masked everywhere, withheld from the agent. */
    public List<String> secrets() {
        return Collections.unmodifiableList(secrets);
    }

    /** Adds secrets of this job (a decrypted token); the masker covers them from now on. */
    public void addSecrets(List<String> more) {
        secrets.addAll(more);
        useMasker();
    }

    private void useMasker() {
        masker = SecretMasker.of(secrets);
        out = new MaskingSink(sink, masker);
    }

    /** Starts the processes that run untrusted code on the job's behalf (the hook, the agent). */
    public ProcessLauncher launcher() {
        return launcher;
    }

    /** Replaces the launcher, e.g. with one that confines the processes in a sandbox built for this job. */
    public void launcher(ProcessLauncher launcher) {
        this.launcher = Objects.requireNonNull(launcher, "launcher");
    }

    /**
     * Variables the agent's request carries (a sandbox's private HOME, so that a CLI keeps its state
     * where the sandbox lets it write); steps before the agent add to it.
     */
    public Map<String, String> agentEnvironment() {
        return agentEnvironment;
    }

    /** Closes {@code resource} when the job ends, before its workspace is removed (the job's sandbox). */
    public void closeAtEnd(AutoCloseable resource) {
        closeAtEnd.add(Objects.requireNonNull(resource, "resource"));
    }

    /** Closes what {@link #closeAtEnd} was given, last first; a failure is logged, the rest still closed. */
    void closeAll() {
        for (int i = closeAtEnd.size() - 1; i >= 0; i--) {
            try {
                closeAtEnd.get(i).close();
            } catch (Exception e) {
                org.slf4j.LoggerFactory.getLogger(JobContext.class).warn("Job {}: closing {} failed: {}", job.id(), closeAtEnd.get(i), e.toString());
            }
        }
        closeAtEnd.clear();
    }

    /** {@code TEMP_DIR/<job id>}: everything of the job lives here. */
    public Path workspace() {
        return workspace;
    }

    /** The clone, inside the workspace: the agent's working directory. */
    public Path repo() {
        return repo;
    }

    /** {@code repobox/<first 8 characters of the id>}. */
    public String branch() {
        return branch;
    }

    /** Fields the final record will carry besides status and message (exit code, line counts, branch, agent details). */
    public Map<String, String> details() {
        return details;
    }

    /** The job's deadline ({@code JOB_TIMEOUT} after it started) on the {@link System#nanoTime()} clock. */
    public long deadline() {
        return deadline;
    }

    /** What is left of the job's time, at most {@code cap}; 1 ms when nothing is left. */
    public Duration remaining(Duration cap) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            return Duration.ofMillis(1);
        }
        return Duration.ofNanos(Math.min(left, cap.toNanos()));
    }

    /** Whether the job was stopped from outside or overran its deadline. */
    public boolean stopped() {
        return control.stopReason() != null || System.nanoTime() >= deadline;
    }

    /** One operation on the runner's repository. */
    interface GitOperation<T> {
        T run(TrustedRepository repository, TrustedRepository.Control control)
                throws TrustedRepository.GitException, InterruptedException, IOException;
    }

    /**
     * Runs {@code operation} on the runner's repository for {@code step}, each git command bounded by
     * the job's deadline and stoppable by its control; a failure fails the step with a message naming
     * it and git's own words.
     */
    public <T> T git(Step step, GitOperation<T> operation) throws StepFailure, InterruptedException, IOException {
        TrustedRepository.Control gitControl = new TrustedRepository.Control() {
            @Override
            public Duration timeLeft() {
                return stopped() ? Duration.ZERO : remaining(GIT_COMMAND_TIMEOUT);
            }

            @Override
            public void started(ProcessExecution execution) {
                control.runningProcess(execution);
            }
        };
        try {
            lastGitStdout = java.util.List.of();
            return operation.run(repository(), gitControl);
        } catch (TrustedRepository.GitException e) {
            lastGitStdout = e.stdout();
            throw StepFailure.internal(capitalize(step.doing()) + " failed: " + e.getMessage());
        }
    }

    /** The stdout lines of the last git command that failed, so that a step can explain its failure. */
    public java.util.List<String> lastGitStdout() {
        return lastGitStdout;
    }

    public Environments.Environment environment() {
        return Objects.requireNonNull(environment, "environment: set by the workspace step");
    }

    void environment(Environments.Environment environment) {
        this.environment = environment;
    }

    public RepositoryUrls.Accepted url() {
        return Objects.requireNonNull(url, "url: set by the workspace step");
    }

    void url(RepositoryUrls.Accepted url) {
        this.url = url;
    }

    /** The job's git credentials; null for a job without a token. */
    public GitCredentials credentials() {
        return credentials;
    }

    void credentials(GitCredentials credentials) {
        this.credentials = credentials;
    }

    /** {@code workspace/private}: the runner's files for this job (its git directory, credential helper); never the agent's. */
    public Path privateDir() {
        return Objects.requireNonNull(privateDir, "privateDir: set by the workspace step");
    }

    void privateDir(Path privateDir) {
        this.privateDir = privateDir;
    }

    /** The runner's own git directory for the job's working tree (the agent's {@code .git} is never used). */
    public TrustedRepository repository() {
        return Objects.requireNonNull(repository, "repository: set by the workspace step");
    }

    void repository(TrustedRepository repository) {
        this.repository = repository;
    }

    /** Files that differ from the base after the commit step. */
    public int changedFiles() {
        return changedFiles;
    }

    void changedFiles(int changedFiles) {
        this.changedFiles = changedFiles;
    }

    static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
