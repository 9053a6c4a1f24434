package io.repobox.runner.pipeline;

import io.repobox.runner.config.ChildEnvironment;
import io.repobox.runner.environment.Environments;
import io.repobox.runner.git.Git;
import io.repobox.runner.git.GitBinary;
import io.repobox.runner.git.GitCredentials;
import io.repobox.runner.git.RepositoryUrls;
import io.repobox.runner.git.TrustedRepository;
import io.repobox.runner.job.Job;
import io.repobox.runner.job.JobStore;
import io.repobox.runner.secrets.TokenCipher;
import java.io.IOException;
import java.util.Map;

/**
 * Checks what the job asks for before anything runs (its environment, its repository URL, its git
 * credentials) and creates its workspace: {@code TEMP_DIR/<id>} and a private directory inside it,
 * both readable by the runner's user only.
 */
final class WorkspaceStep implements Step {

    private final Environments environments;
    private final JobStore store;

    WorkspaceStep(Environments environments, JobStore store) {
        this.environments = environments;
        this.store = store;
    }

    @Override
    public String doing() {
        return "preparing the workspace";
    }

    @Override
    public void run(JobContext ctx) throws StepFailure, IOException {
        Job job = ctx.job();
        ctx.environment(environments.find(job.environment()).orElseThrow(() -> StepFailure.internal("Unknown environment '"
                + job.environment() + "'; known environments: " + String.join(", ", environments.names()))));
        try {
            ctx.url(RepositoryUrls.check(job.repoUrl(), ctx.settings().allowLocalRepos()));
        } catch (RepositoryUrls.RejectedUrlException e) {
            throw StepFailure.internal("The repository URL was refused: " + e.getMessage());
        }
        GitCredentials credentials = credentials(job, ctx.settings().encryptionKey());
        if (credentials != null) {
            try {
                credentials.requireProviderHost(ctx.url()); // before anything is cloned: the token goes to that host only
            } catch (RepositoryUrls.RejectedUrlException e) {
                throw StepFailure.internal(JobContext.capitalize(e.getMessage()));
            }
            ctx.credentials(credentials);
            ctx.addSecrets(credentials.secrets());
        }
        ctx.privateDir(Workspaces.create(ctx.settings().tempDir(), ctx.workspace()));
        Git git = new Git(GitBinary.system(), ctx.privateDir(), credentials, RepositoryUrls.authority(ctx.url()),
                ctx.settings().allowLocalRepos(), ctx.masker(), ctx.out(), ctx.settings().gracePeriod(), ChildEnvironment.inherited(),
                Map.of(JobPipeline.JOB_TAG, job.id()));
        ctx.repository(new TrustedRepository(git, ctx.privateDir(), ctx.repo()));
    }

    /** The job's git credentials from its user's provider hash, or null for a job without a token. */
    private GitCredentials credentials(Job job, String encryptionKey) throws StepFailure {
        String providerId = job.providerId();
        if (providerId.isBlank()) {
            return null;
        }
        Map<String, String> provider = store.gitProvider(job.userId(), providerId)
                .orElseThrow(() -> StepFailure.internal("The git provider '" + providerId + "' of this job's user does not exist"));
        String stored = provider.getOrDefault("token", "");
        if (stored.isBlank()) {
            return null;
        }
        TokenCipher cipher;
        try {
            cipher = TokenCipher.fromKey(encryptionKey);
        } catch (IllegalArgumentException e) {
            throw StepFailure.internal("The git token cannot be decrypted: " + e.getMessage());
        }
        try {
            return GitCredentials.forProvider(provider.get("type"), provider.get("url"), provider.get("username"), cipher.decrypt(stored));
        } catch (TokenCipher.DecryptionException e) {
            throw StepFailure.internal("The git token cannot be used: " + e.getMessage());
        }
    }
}
