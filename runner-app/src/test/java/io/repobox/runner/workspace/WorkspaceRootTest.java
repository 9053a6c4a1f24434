package io.repobox.runner.workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.repobox.runner.config.ConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkspaceRootTest {

    @TempDir
    Path dir;

    @Test
    void aMissingDirectoryIsCreatedPrivate() throws Exception {
        Path root = dir.resolve("a/b/repobox");

        assertThat(WorkspaceRoot.prepare(root)).isDirectory();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root))).isEqualTo("rwx------");
        WorkspaceRoot.prepare(root); // and accepted the next time
    }

    @Test
    void aDirectoryOthersMayWriteIsRefused() throws Exception {
        Path root = Files.createDirectory(dir.resolve("repobox"));
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxrwxrwx"));

        assertThatThrownBy(() -> WorkspaceRoot.prepare(root)).isInstanceOf(ConfigurationException.class).hasMessage("TEMP_DIR " + root
                + " may be written by other users (mode rwxrwxrwx): they could plant files in the runner's workspaces. Run chmod 700 "
                + root + ", or set TEMP_DIR to a private directory");
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxrwx---"));
        assertThatThrownBy(() -> WorkspaceRoot.prepare(root)).hasMessageContaining("(mode rwxrwx---)");
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        WorkspaceRoot.prepare(root);
    }

    @Test
    void aDirectoryOfAnotherUserIsRefused() throws Exception {
        int me = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        Path root;
        if (me == 0) { // as root: a directory another user made first, as in /tmp
            root = Files.createDirectory(dir.resolve("repobox"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Files.setAttribute(root, "unix:uid", 65534);
        } else { // as anyone else: a directory of root's
            root = Path.of("/");
        }
        int owner = (Integer) Files.getAttribute(root, "unix:uid");

        assertThatThrownBy(() -> WorkspaceRoot.prepare(root)).isInstanceOf(ConfigurationException.class).hasMessage("TEMP_DIR " + root
                + " belongs to another user (uid " + owner + ", the runner is uid " + me + "): that user could plant files in the "
                + "runner's workspaces. Remove it, or set TEMP_DIR to a directory that belongs to the runner's user (it is created "
                + "with mode 0700 when missing)");
    }

    @Test
    void aSymbolicLinkOfAnotherUserIsRefusedAndOneOfOursIsFollowed() throws Exception {
        Path target = Files.createDirectory(dir.resolve("target"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path link = Files.createSymbolicLink(dir.resolve("link"), target);
        WorkspaceRoot.prepare(link);

        Path open = Files.createDirectory(dir.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path toOpen = Files.createSymbolicLink(dir.resolve("to-open"), open);
        assertThatThrownBy(() -> WorkspaceRoot.prepare(toOpen)).hasMessageContaining("may be written by other users");
    }
}
