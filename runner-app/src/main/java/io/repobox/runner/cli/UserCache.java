package io.repobox.runner.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;

/**
 * The user's cache directory for the runner's command line: {@code $XDG_CACHE_HOME/repobox-runner},
 * else {@code ~/.cache/repobox-runner}, where the launcher keeps its class-data archive, {@code run}
 * its checked {@code redis-server} and what the last test sandbox found. Used only when it belongs
 * to this user, made mode 700: what is read from it is trusted, so no one else may write there.
 */
final class UserCache {

    private UserCache() {
    }

    /**
     * The directory, made private; empty when it cannot be had (no absolute XDG_CACHE_HOME or HOME,
     * not a directory, another user's): then nothing is cached.
     *
     * @param ownedByUs a path of this process's user (one it made, or {@code /proc/self}): the directory must have its owner
     */
    static Optional<Path> directory(Map<String, String> environment, Path ownedByUs) {
        String xdg = environment.get("XDG_CACHE_HOME");
        String home = environment.get("HOME");
        Path base;
        if (xdg != null && Path.of(xdg).isAbsolute()) {
            base = Path.of(xdg);
        } else if (home != null && Path.of(home).isAbsolute()) {
            base = Path.of(home, ".cache");
        } else {
            return Optional.empty();
        }
        Path dir = base.resolve("repobox-runner");
        try {
            Files.createDirectories(dir);
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) || !sameOwner(dir, ownedByUs)) {
                return Optional.empty();
            }
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            return Optional.of(dir);
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return Optional.empty();
        }
    }

    static boolean sameOwner(Path a, Path b) throws IOException {
        return Files.getAttribute(a, "unix:uid", LinkOption.NOFOLLOW_LINKS).equals(Files.getAttribute(b, "unix:uid", LinkOption.NOFOLLOW_LINKS));
    }
}
