package io.repobox.runner.git;

import io.repobox.agent.process.ProcessExecution;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The runner's own view of a job's repository: a git directory in the job's private directory
 * (where no agent or hook can reach it) and the working tree the agent edits.
 *
 * <p>The clone writes its git directory into the private directory; the agent gets a copy of it as
 * the working tree's {@code .git}, to work with as it likes. The runner never reads that copy: the
 * commit is made from the working tree's files with the trusted git directory
 * ({@code git --git-dir=PRIVATE --work-tree=REPO}), so a rewritten {@code .git/config}
 * ({@code insteadOf}, {@code include}, {@code core.fsmonitor}, filters, diff drivers),
 * {@code .git/commondir}, {@code .git/hooks} or commits the agent made in its copy change nothing
 * the runner does. From the working tree git reads file contents, symbolic links (recorded as links,
 * never followed), {@code .gitignore} and {@code .gitattributes}; an attribute can only name filters
 * and drivers, and the trusted configuration defines none. Special files (FIFOs, sockets, devices)
 * are skipped by git. Not thread-safe: one job's steps use it one after the other.
 */
public final class TrustedRepository {

    /** The tree of an empty repository: the base when the clone has no default branch. */
    static final String EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

    /** What the job changed, measured against the clone's default branch. */
    public record Changes(int files, long added, long removed) {
        public boolean none() {
            return files == 0;
        }

        /** What {@code git diff --numstat} printed, counted (binary files count as files only). */
        public static Changes parse(List<String> numstat) {
            int files = 0;
            long added = 0;
            long removed = 0;
            for (String line : numstat) {
                String[] cols = line.split("\t");
                if (cols.length >= 3) {
                    files++;
                    added += cols[0].equals("-") ? 0 : Long.parseLong(cols[0]);
                    removed += cols[1].equals("-") ? 0 : Long.parseLong(cols[1]);
                }
            }
            return new Changes(files, added, removed);
        }
    }

    /** How a job's steps let its git commands be bounded and stopped. */
    public interface Control extends Git.Tracker {
        /** The time the next git command may take; zero or less when the job was stopped. */
        Duration timeLeft();
    }

    /** A git command failed; the message says which and how (exit code, last lines), without secrets. */
    public static final class GitException extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient List<String> stdout;

        GitException(String message, List<String> stdout) {
            super(message, null, false, false);
            this.stdout = List.copyOf(stdout);
        }

        /** What the failed command printed on stdout (a push's porcelain status lines say why it was refused). */
        public List<String> stdout() {
            return stdout;
        }
    }

    private final Git git;
    private final Path privateDir;
    private final Path gitDir;
    private final Path workTree;
    private String base = EMPTY_TREE;

    /**
     * @param privateDir the job's private directory (0700, outside the working tree, never bound into a sandbox)
     * @param workTree   where the clone's files go and the agent works; must not exist yet
     */
    public TrustedRepository(Git git, Path privateDir, Path workTree) {
        this.git = git;
        this.privateDir = privateDir;
        this.gitDir = privateDir.resolve("git");
        this.workTree = workTree;
    }

    /** The trusted git directory (for tests and reports). */
    public Path gitDir() {
        return gitDir;
    }

    /**
     * Clones {@code url} (shallow: the default branch's last commit, no tags), starts {@code branch} at
     * its default branch, and gives the working tree a {@code .git} of its own for the agent.
     *
     * <p>A local repository is cloned through {@code file://}, as a remote one is: a clone from a
     * plain path would take its whole history and hard-link every loose object, and the agent's copy
     * of the git directory ({@link #giveAgentItsOwnCopy}) would then copy them all, one file each. No
     * template either (sample hooks, description): nothing reads them, and the copy would carry them.
     */
    public void cloneAndBranch(RepositoryUrls.Accepted url, String branch, Control control)
            throws GitException, InterruptedException, IOException {
        List<String> clone = new ArrayList<>(List.of("clone", "--no-tags", "--depth", "1", "--template=", "--separate-git-dir=" + gitDir));
        clone.addAll(List.of("--", cloneUrl(url), workTree.toString()));
        run(privateDir, control, null, true, clone);
        // The clone's default branch is the base the changes are measured against; an empty repository has none.
        base = Files.exists(gitDir.resolve("refs/remotes/origin/HEAD")) ? "refs/remotes/origin/HEAD" : EMPTY_TREE;
        run(workTree, control, null, false, trusted("checkout", "-q", "-b", branch));
        giveAgentItsOwnCopy();
    }

    /** Whether the clone had a default branch (an empty repository has none). */
    public boolean emptyAtClone() {
        return base.equals(EMPTY_TREE);
    }

    /**
     * Records the working tree's files as one commit on the branch (nothing when nothing changed) and
     * measures what differs from the base.
     */
    public Changes commitWorkTree(String message, Control control) throws GitException, InterruptedException {
        run(workTree, control, null, false, trusted("add", "-A"));
        Git.Result commit = git.run(workTree, timeLeft(control), control, message, false,
                trusted("commit", "-q", "--no-verify", "-F", "-").toArray(String[]::new));
        if (!commit.ok()) {
            if (String.join("\n", commit.stdout()).contains("nothing to commit")) {
                if (base.equals(EMPTY_TREE)) {
                    return new Changes(0, 0, 0); // an empty repository where nothing was added has no HEAD at all
                }
            } else {
                throw new GitException(commit.process().describe("git commit"), commit.stdout());
            }
        }
        Git.Result numstat = run(workTree, control, null, false,
                trusted("diff", "--numstat", "--no-ext-diff", "--no-textconv", "--no-renames", base, "HEAD"));
        return Changes.parse(numstat.stdout());
    }

    /** {@code url} as git clones it: a local path as a {@code file://} URL (git decodes its %-escapes), anything else as given. */
    static String cloneUrl(RepositoryUrls.Accepted url) {
        if (url.kind() != RepositoryUrls.Kind.LOCAL || url.url().regionMatches(true, 0, "file://", 0, 7)) {
            return url.url();
        }
        return Path.of(url.url()).toAbsolutePath().normalize().toUri().toString();
    }

    /** Pushes the branch's commit to {@code url} (the job's repository URL, never a remote the agent could have renamed). */
    public void push(RepositoryUrls.Accepted url, String branch, Control control) throws GitException, InterruptedException {
        run(workTree, control, null, true, trusted("push", "--no-verify", "--porcelain", "--", url.url(), "HEAD:refs/heads/" + branch));
    }

    private List<String> trusted(String... args) {
        List<String> command = new ArrayList<>(List.of("--git-dir=" + gitDir, "--work-tree=" + workTree));
        command.addAll(List.of(args));
        return command;
    }

    private Git.Result run(Path dir, Control control, String stdin, boolean echo, List<String> args)
            throws GitException, InterruptedException {
        Git.Result r = git.run(dir, timeLeft(control), control, stdin, echo, args.toArray(String[]::new));
        if (!r.ok()) {
            String verb = args.stream().filter(a -> !a.startsWith("-")).findFirst().orElse("");
            throw new GitException(r.process().describe("git " + verb), r.stdout());
        }
        return r;
    }

    private static Duration timeLeft(Control control) throws GitException {
        Duration left = control.timeLeft();
        if (left.isZero() || left.isNegative()) {
            throw new GitException("stopped", List.of());
        }
        return left;
    }

    /** Replaces the clone's {@code .git} link to the private directory with a copy the agent may change at will. */
    private void giveAgentItsOwnCopy() throws IOException {
        Path dotGit = workTree.resolve(".git");
        Files.deleteIfExists(dotGit); // the "gitdir: PRIVATE" file the clone wrote
        Files.walkFileTree(gitDir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectory(dotGit.resolve(gitDir.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, dotGit.resolve(gitDir.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES,
                        LinkOption.NOFOLLOW_LINKS);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** A single control for callers without deadlines or cancellation (tests, tools). */
    public static Control unbounded(Duration perCommand) {
        return new Control() {
            @Override
            public Duration timeLeft() {
                return perCommand;
            }

            @Override
            public void started(ProcessExecution execution) {
            }
        };
    }
}
