package io.repobox.runner.git;

import static io.repobox.runner.testing.TestGit.git;
import static org.assertj.core.api.Assertions.assertThat;

import io.repobox.agent.output.OutputLine;
import io.repobox.agent.output.SecretMasker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runner's git after a hostile agent: real git, a bare repository as the remote, a second bare
 * repository that an attack tries to send the push to, and working trees an agent left behind.
 * Every hostile program the attacks plant writes a marker file when it runs: none may run.
 */
class TrustedRepositoryIT {

    private static final String BRANCH = "repobox/abcdef12";
    private static final Duration COMMAND = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    Path remote;
    Path capture;
    Path markers;
    Path home;
    Path privateDir;
    Path work;
    final List<OutputLine> output = new ArrayList<>();
    final Map<String, String> environment = new HashMap<>(Map.of("PATH", System.getenv("PATH")));

    @BeforeEach
    void setUp() throws Exception {
        remote = dir.resolve("remote.git");
        capture = dir.resolve("capture.git");
        markers = Files.createDirectory(dir.resolve("markers"));
        home = Files.createDirectory(dir.resolve("home"));
        environment.put("HOME", home.toString());
        git(dir, "init", "-q", "--bare", "-b", "main", remote.toString());
        git(dir, "init", "-q", "--bare", "-b", "main", capture.toString());
        Path seed = dir.resolve("seed");
        git(dir, "clone", "-q", remote.toString(), seed.toString());
        Files.writeString(seed.resolve("README.md"), "# demo\n");
        Files.writeString(seed.resolve("data.bin"), "version https://git-lfs.github.com/spec/v1\noid sha256:00\nsize 1\n");
        Files.writeString(seed.resolve(".gitattributes"), "*.bin filter=lfs diff=lfs merge=lfs -text\n");
        Files.writeString(seed.resolve(".lfsconfig"), "[lfs]\n\turl = https://elsewhere.example/lfs\n");
        git(seed, "add", "-A");
        git(seed, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "seed");
        git(seed, "push", "-q", "origin", "HEAD:main");
        Path workspace = Files.createDirectory(dir.resolve("workspace"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        privateDir = Files.createDirectory(workspace.resolve("private"));
        work = workspace.resolve("repo");
    }

    private Git runnerGit(GitCredentials credentials, String credentialHost) {
        return new Git(GitBinary.locate(environment), privateDir, credentials, credentialHost, true, SecretMasker.of(List.of()),
                line -> {
                    synchronized (output) {
                        output.add(line);
                    }
                }, Duration.ofSeconds(1), environment, Map.of());
    }

    private TrustedRepository cloned() throws Exception {
        TrustedRepository repo = new TrustedRepository(runnerGit(null, null), privateDir, work);
        repo.cloneAndBranch(new RepositoryUrls.Accepted(remote.toString(), RepositoryUrls.Kind.LOCAL), BRANCH, control());
        return repo;
    }

    private static TrustedRepository.Control control() {
        return TrustedRepository.unbounded(COMMAND);
    }

    /** A program that leaves a marker named {@code name} when anything runs it, and then behaves like {@code cat}. */
    private String hostile(String name) throws Exception {
        Path script = dir.resolve("hostile-" + name + ".sh");
        Files.writeString(script, "#!/bin/sh\ntouch '" + markers.resolve(name) + "'\ncat\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script.toString();
    }

    private void commitAndPush(TrustedRepository repo) throws Exception {
        TrustedRepository.Changes changes = repo.commitWorkTree("agent work\n", control());
        assertThat(changes.none()).isFalse();
        repo.push(new RepositoryUrls.Accepted(remote.toString(), RepositoryUrls.Kind.LOCAL), BRANCH, control());
    }

    private String remoteFile(String path) throws Exception {
        return git(dir, "--git-dir=" + remote, "show", BRANCH + ":" + path);
    }

    private List<String> remoteTree() throws Exception {
        return git(dir, "--git-dir=" + remote, "ls-tree", "-r", "--name-only", BRANCH).lines().toList();
    }

    private void assertNothingHostileRan() throws Exception {
        try (var files = Files.list(markers)) {
            assertThat(files.map(p -> p.getFileName().toString())).as("hostile programs that ran").isEmpty();
        }
        assertThat(git(dir, "--git-dir=" + capture, "for-each-ref")).as("refs pushed to the capture repository").isEmpty();
    }

    @Test
    void theCloneKeepsItsGitDirectoryPrivateAndGivesTheAgentACopy() throws Exception {
        TrustedRepository repo = cloned();

        assertThat(repo.gitDir()).isDirectory().isEqualTo(privateDir.resolve("git"));
        assertThat(work.resolve(".git")).as("the agent's own git directory, not a link to the private one").isDirectory();
        assertThat(Files.readString(work.resolve(".git/HEAD"))).isEqualTo("ref: refs/heads/" + BRANCH + "\n");
        assertThat(git(work, "status", "--porcelain")).as("the agent's copy works").isEmpty();
    }

    @Test
    void aLocalRepositoryIsClonedLikeARemoteOneShallowAndWithoutTemplateFiles() throws Exception {
        // A second commit, and a path with a space and a '%' (the clone goes through a file:// URL, which git decodes).
        Path seed = dir.resolve("seed");
        Files.writeString(seed.resolve("second.txt"), "2\n");
        git(seed, "add", "-A");
        git(seed, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "second");
        git(seed, "push", "-q", "origin", "HEAD:main");
        Path odd = dir.resolve("odd dir%20name.git");
        Files.move(remote, odd);
        TrustedRepository repo = new TrustedRepository(runnerGit(null, null), privateDir, work);

        repo.cloneAndBranch(new RepositoryUrls.Accepted(odd.toString(), RepositoryUrls.Kind.LOCAL), BRANCH, control());

        assertThat(git(work, "log", "--format=%s")).as("the agent's copy holds the last commit only").isEqualTo("second\n");
        assertThat(work.resolve(".git/hooks")).as("no sample hooks copied").doesNotExist();
        try (var objects = Files.walk(work.resolve(".git/objects"))) {
            assertThat(objects.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
                    .as("one pack and its index, not a file per object").hasSize(2).allMatch(n -> n.startsWith("pack-"));
        }
        Files.writeString(work.resolve("third.txt"), "3\n");
        repo.commitWorkTree("third\n", control());
        repo.push(new RepositoryUrls.Accepted(odd.toString(), RepositoryUrls.Kind.LOCAL), BRANCH, control());
        assertThat(git(dir, "--git-dir=" + odd, "log", "--format=%s", BRANCH)).isEqualTo("third\nsecond\nseed\n");
    }

    @Test
    void theAgentsGitConfigIsNeverRead() throws Exception {
        TrustedRepository repo = cloned();
        Path evilHooks = Files.createDirectories(dir.resolve("evil-hooks"));
        Files.writeString(evilHooks.resolve("pre-commit"), "#!/bin/sh\ntouch '" + markers.resolve("hooksPath") + "'\n");
        evilHooks.resolve("pre-commit").toFile().setExecutable(true);
        Files.writeString(dir.resolve("included"), "[url \"" + capture + "\"]\n\tinsteadOf = " + remote + "\n");
        Files.writeString(work.resolve(".git/config"), Files.readString(work.resolve(".git/config"))
                + "[url \"" + capture + "\"]\n\tinsteadOf = " + remote + "\n\tpushInsteadOf = " + remote + "\n"
                + "[include]\n\tpath = " + dir.resolve("included") + "\n"
                + "[core]\n\tfsmonitor = " + hostile("fsmonitor") + "\n\thooksPath = " + evilHooks + "\n"
                + "[filter \"evil\"]\n\tclean = " + hostile("clean-filter") + "\n\tsmudge = " + hostile("smudge-filter") + "\n"
                + "[diff \"evil\"]\n\ttextconv = " + hostile("textconv") + "\n\tcommand = " + hostile("diff-driver") + "\n"
                + "[diff]\n\texternal = " + hostile("external-diff") + "\n");
        Files.writeString(work.resolve(".gitattributes"), "* filter=evil diff=evil\n");
        Files.writeString(work.resolve("change.txt"), "the agent's change\n");

        commitAndPush(repo);

        assertThat(remoteFile("change.txt")).isEqualTo("the agent's change\n");
        assertNothingHostileRan();
    }

    @Test
    void aRewrittenCommondirIsNeverFollowed() throws Exception {
        TrustedRepository repo = cloned();
        Path evil = dir.resolve("evil-common");
        git(dir, "init", "-q", "--bare", evil.toString());
        Files.writeString(evil.resolve("config"), Files.readString(evil.resolve("config"))
                + "[url \"" + capture + "\"]\n\tinsteadOf = " + remote + "\n[core]\n\tfsmonitor = " + hostile("commondir-fsmonitor") + "\n"
                + "[filter \"evil\"]\n\tclean = " + hostile("commondir-filter") + "\n");
        Files.writeString(work.resolve(".git/commondir"), evil + "\n");
        Files.writeString(work.resolve(".gitattributes"), "* filter=evil\n");
        Files.writeString(work.resolve("change.txt"), "x\n");

        commitAndPush(repo);

        assertThat(remoteTree()).contains("change.txt", ".gitattributes");
        assertNothingHostileRan();
    }

    @Test
    void hooksInTheAgentsCopyNeverRun() throws Exception {
        TrustedRepository repo = cloned();
        for (String hook : List.of("pre-commit", "prepare-commit-msg", "commit-msg", "post-commit", "pre-push", "reference-transaction",
                "post-index-change", "post-checkout")) {
            Path file = work.resolve(".git/hooks").resolve(hook);
            Files.createDirectories(file.getParent());
            Files.writeString(file, "#!/bin/sh\ntouch '" + markers.resolve(hook) + "'\n");
            file.toFile().setExecutable(true);
        }
        Files.writeString(work.resolve("change.txt"), "x\n");

        commitAndPush(repo);

        assertNothingHostileRan();
    }

    @Test
    void theMachinesGlobalConfigurationIsNotRead() throws Exception {
        // With SANDBOX=none an agent can write the runner's ~/.gitconfig and ~/.config/git/*; git must not read them.
        String config = "[url \"" + capture + "\"]\n\tinsteadOf = " + remote + "\n[core]\n\tfsmonitor = " + hostile("global-fsmonitor")
                + "\n\tattributesFile = " + dir.resolve("global-attributes") + "\n[credential]\n\thelper = " + hostile("global-credential")
                + "\n[filter \"lfs\"]\n\tclean = " + hostile("lfs-clean") + "\n\tsmudge = " + hostile("lfs-smudge")
                + "\n\tprocess = " + hostile("lfs-process") + "\n\trequired = true\n";
        Files.writeString(home.resolve(".gitconfig"), config);
        Files.createDirectories(dir.resolve("xdg/git"));
        Files.writeString(dir.resolve("xdg/git/config"), config);
        Files.writeString(dir.resolve("global-attributes"), "* filter=lfs\n");
        environment.put("XDG_CONFIG_HOME", dir.resolve("xdg").toString());
        environment.put("GIT_CONFIG_PARAMETERS", "'core.fsmonitor'='" + hostile("config-parameters") + "'");
        environment.put("GIT_DIR", dir.resolve("nowhere").toString());
        TrustedRepository repo = cloned();
        Files.writeString(work.resolve("change.txt"), "x\n");
        Files.writeString(work.resolve("data.bin"), "new binary content\n");

        commitAndPush(repo);

        assertThat(remoteFile("data.bin")).isEqualTo("new binary content\n");
        assertNothingHostileRan();
    }

    @Test
    void lfsNeverRunsAndItsConfigCannotRedirectTheCredential() throws Exception {
        Path bin = Files.createDirectory(dir.resolve("bin"));
        Files.writeString(bin.resolve("git-lfs"), "#!/bin/sh\ntouch '" + markers.resolve("git-lfs") + "'\nexit 1\n");
        bin.resolve("git-lfs").toFile().setExecutable(true);
        environment.put("PATH", bin + ":" + System.getenv("PATH"));
        Files.writeString(home.resolve(".gitconfig"), "[filter \"lfs\"]\n\tclean = git-lfs clean -- %f\n\tsmudge = git-lfs smudge -- %f\n"
                + "\tprocess = git-lfs filter-process\n\trequired = true\n");

        TrustedRepository repo = cloned();
        assertThat(Files.readString(work.resolve("data.bin"))).as("the pointer, not smudged").startsWith("version https://git-lfs");
        Files.writeString(work.resolve("change.txt"), "x\n");
        commitAndPush(repo);

        assertThat(runnerGit(null, null).environment()).containsEntry("GIT_LFS_SKIP_SMUDGE", "1");
        assertNothingHostileRan();
    }

    @Test
    void theCredentialIsAnsweredForTheProvidersHostOnly() throws Exception {
        Git git = runnerGit(new GitCredentials("oauth2", "tok-123456", "git.example.com"), "git.example.com");

        Git.Result provider = git.run(dir, COMMAND, e -> { }, "protocol=https\nhost=git.example.com\npath=org/repo.git\n\n", false,
                "credential", "fill");
        Git.Result elsewhere = git.run(dir, COMMAND, e -> { }, "protocol=https\nhost=elsewhere.example\npath=lfs\n\n", false,
                "credential", "fill");
        Git.Result plainHttp = git.run(dir, COMMAND, e -> { }, "protocol=http\nhost=git.example.com\n\n", false, "credential", "fill");

        assertThat(provider.stdout()).contains("username=oauth2", "password=tok-123456");
        assertThat(elsewhere.ok()).as("no credential, and no prompt").isFalse();
        assertThat(elsewhere.stdout()).noneMatch(l -> l.contains("tok-123456"));
        assertThat(plainHttp.ok()).isFalse();
        assertThat(plainHttp.stdout()).noneMatch(l -> l.contains("tok-123456"));
        assertThat(git.environment()).doesNotContainKeys("REPOBOX_GIT_PASSWORD", "GIT_ASKPASS");
    }

    @Test
    void symbolicLinksAreRecordedAsLinksAndNeverFollowed() throws Exception {
        TrustedRepository repo = cloned();
        Path secret = Files.writeString(dir.resolve("runner-secret.txt"), "S3CRET-CONTENT\n");
        Files.createSymbolicLink(work.resolve("leak.txt"), secret);
        Files.createSymbolicLink(work.resolve("outside"), dir);

        commitAndPush(repo);

        String tree = git(dir, "--git-dir=" + remote, "ls-tree", "-r", BRANCH);
        assertThat(tree).containsPattern("120000 blob \\w+\tleak.txt").containsPattern("120000 blob \\w+\toutside")
                .doesNotContain("outside/");
        assertThat(remoteFile("leak.txt")).isEqualTo(secret.toString());
    }

    @Test
    void specialFilesAreSkippedWithoutBlocking() throws Exception {
        TrustedRepository repo = cloned();
        Files.createDirectories(work.resolve("sub"));
        for (String fifo : List.of("pipe", "sub/pipe")) {
            Process p = new ProcessBuilder("mkfifo", work.resolve(fifo).toString()).start();
            assertThat(p.waitFor()).isZero();
        }
        Files.writeString(work.resolve("sub/change.txt"), "x\n");

        commitAndPush(repo);

        assertThat(remoteTree()).contains("sub/change.txt").doesNotContain("pipe", "sub/pipe");
    }

    @Test
    void theWorkingTreeIsPushedNotTheAgentsCommitsOrAnotherGitDirectory() throws Exception {
        TrustedRepository repo = cloned();
        Files.writeString(work.resolve("committed-then-deleted.txt"), "x\n");
        git(work, "add", "-A");
        git(work, "-c", "user.name=agent", "-c", "user.email=a@a", "commit", "-q", "-m", "agent's own commit");
        Files.delete(work.resolve("committed-then-deleted.txt"));
        Files.writeString(work.resolve("kept.txt"), "kept\n");
        // Then the agent points .git somewhere else altogether.
        Path other = dir.resolve("other");
        git(dir, "init", "-q", other.toString());
        deleteTree(work.resolve(".git"));
        Files.writeString(work.resolve(".git"), "gitdir: " + other.resolve(".git") + "\n");

        commitAndPush(repo);

        assertThat(remoteTree()).containsExactlyInAnyOrder(".gitattributes", ".lfsconfig", "README.md", "data.bin", "kept.txt");
        assertThat(git(dir, "--git-dir=" + remote, "log", "--format=%an %s", BRANCH)).doesNotContain("agent's own commit");
    }

    @Test
    void gitIsTheExecutableFoundAtStartUpNotOneAddedToPathLater() throws Exception {
        Path bin = Files.createDirectory(dir.resolve("bin"));
        environment.put("PATH", "relative/bin:" + bin + ":" + System.getenv("PATH"));
        TrustedRepository repo = new TrustedRepository(runnerGit(null, null), privateDir, work); // finds git now
        Files.writeString(bin.resolve("git"), "#!/bin/sh\ntouch '" + markers.resolve("planted-git") + "'\nexit 1\n");
        bin.resolve("git").toFile().setExecutable(true);

        repo.cloneAndBranch(new RepositoryUrls.Accepted(remote.toString(), RepositoryUrls.Kind.LOCAL), BRANCH, control());
        Files.writeString(work.resolve("change.txt"), "x\n");
        commitAndPush(repo);

        assertNothingHostileRan();
        assertThat(GitBinary.locate(Map.of("PATH", "relative:.:" + bin)).path()).as("relative entries are never used").isEqualTo(bin.resolve("git"));
    }

    private static void deleteTree(Path root) throws Exception {
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Test
    void nothingChangedMeansNoCommit() throws Exception {
        TrustedRepository repo = cloned();

        TrustedRepository.Changes changes = repo.commitWorkTree("nothing\n", control());

        assertThat(changes).isEqualTo(new TrustedRepository.Changes(0, 0, 0));
    }

    @Test
    void changesAreCountedAgainstTheDefaultBranch() throws Exception {
        TrustedRepository repo = cloned();
        Files.writeString(work.resolve("README.md"), "# demo\nmore\nand more\n");
        Files.writeString(work.resolve("new.txt"), "one\n");

        TrustedRepository.Changes changes = repo.commitWorkTree("counted\n", control());

        assertThat(changes).isEqualTo(new TrustedRepository.Changes(2, 3, 0));
    }

    @Test
    void anEmptyRepositoryCanBeClonedAndCommittedTo() throws Exception {
        Path empty = dir.resolve("empty.git");
        git(dir, "init", "-q", "--bare", "-b", "main", empty.toString());
        TrustedRepository repo = new TrustedRepository(runnerGit(null, null), privateDir, work);
        repo.cloneAndBranch(new RepositoryUrls.Accepted(empty.toString(), RepositoryUrls.Kind.LOCAL), BRANCH, control());
        assertThat(repo.emptyAtClone()).isTrue();
        assertThat(repo.commitWorkTree("nothing\n", control()).none()).isTrue();

        Files.writeString(work.resolve("first.txt"), "a\nb\n");
        assertThat(repo.commitWorkTree("first\n", control())).isEqualTo(new TrustedRepository.Changes(1, 2, 0));
    }
}
