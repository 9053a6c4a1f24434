package io.repobox.runner.workspace;

import io.repobox.runner.config.ConfigurationException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * TEMP_DIR, the directory the job workspaces are made in, made or accepted only when no other local
 * user can write into it.
 *
 * <p>The default, {@code /tmp/repobox}, is in a directory every user can write to: another user
 * could create it first and plant files in the runner's workspaces (scripts the runner then runs,
 * with the job's token in reach). So a missing TEMP_DIR is created with mode 0700, and an existing
 * one is accepted only when it belongs to the runner's user and neither group nor others may write
 * to it; a symbolic link is followed only when the link itself is the runner's.
 */
public final class WorkspaceRoot {

    private static final Set<PosixFilePermission> OTHERS_WRITE = Set.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);

    private WorkspaceRoot() {
    }

    /**
     * Creates {@code dir} (0700) if it does not exist, then checks it.
     *
     * @return {@code dir}
     * @throws ConfigurationException when another user owns it or may write to it, or it cannot be made
     */
    public static Path prepare(Path dir) {
        try {
            if (Files.notExists(dir, LinkOption.NOFOLLOW_LINKS)) {
                Path parent = dir.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
        } catch (FileAlreadyExistsException e) {
            // someone made it between the two calls: it is checked like any existing one
        } catch (IOException e) {
            throw new ConfigurationException("TEMP_DIR " + dir + " cannot be created: " + e.getMessage()
                    + "; set TEMP_DIR to a directory the runner's user may create");
        }
        check(dir);
        return dir;
    }

    /** Checks an existing {@code dir} without changing anything. */
    public static void check(Path dir) {
        try {
            int me = uidOf(Path.of("/proc/self"), true);
            if (Files.isSymbolicLink(dir)) {
                requireOwner(dir, uidOf(dir, false), me, "is a symbolic link that belongs to");
            }
            if (!Files.isDirectory(dir)) {
                throw new ConfigurationException("TEMP_DIR " + dir + " is not a directory; set TEMP_DIR to a directory of the runner's own");
            }
            requireOwner(dir, uidOf(dir, true), me, "belongs to");
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir);
            if (mode.stream().anyMatch(OTHERS_WRITE::contains)) {
                throw new ConfigurationException("TEMP_DIR " + dir + " may be written by other users (mode "
                        + PosixFilePermissions.toString(mode) + "): they could plant files in the runner's workspaces. Run "
                        + "chmod 700 " + dir + ", or set TEMP_DIR to a private directory");
            }
        } catch (IOException e) {
            throw new ConfigurationException("TEMP_DIR " + dir + " cannot be checked: " + e.getMessage());
        }
    }

    private static void requireOwner(Path dir, int owner, int me, String what) {
        if (owner != me) {
            throw new ConfigurationException("TEMP_DIR " + dir + " " + what + " another user (uid " + owner + ", the runner is uid "
                    + me + "): that user could plant files in the runner's workspaces. Remove it, or set TEMP_DIR to a directory "
                    + "that belongs to the runner's user (it is created with mode 0700 when missing)");
        }
    }

    private static int uidOf(Path path, boolean follow) throws IOException {
        Object uid = follow ? Files.getAttribute(path, "unix:uid") : Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        return (Integer) uid;
    }
}
