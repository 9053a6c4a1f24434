package io.repobox.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What an agent can leave in a directory the runner removes: links out of it, read-only directories. */
class DirectoriesTest {

    @TempDir
    Path dir;

    @Test
    void removesEverythingInsideAndNothingALinkPointsTo() throws Exception {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Path precious = Files.writeString(outside.resolve("precious"), "keep me");
        Path tree = Files.createDirectories(dir.resolve("tree/sub"));
        Files.writeString(tree.resolve("file"), "x");
        Files.createSymbolicLink(tree.resolve("to-dir"), outside);
        Files.createSymbolicLink(tree.resolve("to-file"), precious);
        Files.createSymbolicLink(tree.resolve("dangling"), dir.resolve("nowhere"));
        Path locked = Files.createDirectories(dir.resolve("tree/locked"));
        Files.writeString(locked.resolve("inside"), "y");
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-x------"));

        Directories.deleteTree(dir.resolve("tree"));

        assertThat(dir.resolve("tree")).doesNotExist();
        assertThat(precious).hasContent("keep me");
        assertThat(outside).isDirectory();
    }

    @Test
    void aLinkGivenAsTheTreeIsRemovedNotFollowed() throws Exception {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("precious"), "keep me");
        Path link = Files.createSymbolicLink(dir.resolve("link"), outside);

        Directories.deleteTree(link);
        Directories.deleteTree(dir.resolve("absent"));

        assertThat(Files.exists(link, LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(outside.resolve("precious")).hasContent("keep me");
    }
}
