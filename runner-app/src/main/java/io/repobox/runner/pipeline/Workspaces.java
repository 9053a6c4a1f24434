package io.repobox.runner.pipeline;

import io.repobox.agent.cli.Directories;
import io.repobox.runner.workspace.WorkspaceRoot;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Job workspaces under TEMP_DIR: created fresh and private, removed whatever the agent left in them. */
public final class Workspaces {

    private static final Logger log = LoggerFactory.getLogger(Workspaces.class);

    private Workspaces() {
    }

    /**
     * Creates {@code workspace} (directly inside {@code root}) afresh, removing what a previous attempt
     * left, with a private directory inside; both {@code rwx------}. Returns the private directory.
     */
    static Path create(Path root, Path workspace) throws IOException {
        WorkspaceRoot.prepare(root); // checked for every job: TEMP_DIR may have been removed and made anew by someone else
        Path parent = workspace.normalize().getParent();
        if (parent == null || !parent.equals(root.normalize())) {
            throw new IOException("workspace " + workspace + " is not inside TEMP_DIR"); // job ids are checked; belt and braces
        }
        delete(workspace);
        Files.createDirectory(workspace, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        return Files.createDirectory(workspace.resolve("private"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    /** Bytes allocated under {@code dir}, counted until {@code stopAbove} is passed. */
    public static long size(Path dir, long stopAbove) {
        long[] total = {0};
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    total[0] += attrs.size();
                    return total[0] > stopAbove ? FileVisitResult.TERMINATE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE; // removed meanwhile, or unreadable: skip it
                }
            });
        } catch (IOException e) {
            log.debug("Could not measure {}: {}", dir, e.toString());
        }
        return total[0];
    }

    /** Removes {@code dir} and everything in it, also read-only directories, never following links; logs what it cannot remove. */
    public static void delete(Path dir) {
        try {
            Directories.deleteTree(dir);
        } catch (IOException e) {
            log.warn("Could not remove workspace {}: {}", dir, e.toString());
        }
    }
}
