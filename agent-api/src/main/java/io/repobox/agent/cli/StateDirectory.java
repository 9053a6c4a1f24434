package io.repobox.agent.cli;

import io.repobox.agent.AgentRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Where a CLI keeps its state for one request (its config, sessions, caches), outside the
 * repository so that nothing of it is committed and nothing the repository holds is read as the
 * CLI's own configuration. When the caller gave the request a HOME (the runner's sandbox gives each
 * job a private one), that is the place; otherwise a fresh private directory is made next to the
 * working directory and removed when the request ends.
 *
 * @param path  the directory
 * @param owned whether it was made for this request (and is removed by {@link #close()})
 */
public record StateDirectory(Path path, boolean owned) implements AutoCloseable {

    /** The request's HOME, or a new directory named {@code .<name>-…} beside its working directory. */
    public static StateDirectory prepare(AgentRequest request, String name) throws IOException {
        String home = request.environment().get("HOME");
        if (home != null && !home.isBlank()) {
            Path dir = Path.of(home);
            Files.createDirectories(dir);
            return new StateDirectory(dir, false);
        }
        Path parent = request.workingDirectory().toAbsolutePath().normalize().getParent();
        if (parent == null) {
            throw new IOException("the working directory " + request.workingDirectory() + " has no parent to keep the CLI's state in");
        }
        return new StateDirectory(Files.createTempDirectory(parent, "." + name + "-state-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))), true);
    }

    /** A subdirectory, made if missing. */
    public Path directory(String relative) throws IOException {
        return Files.createDirectories(path.resolve(relative));
    }

    /** Removes the directory if it was made for this request; best effort. */
    @Override
    public void close() {
        if (!owned || !Files.exists(path)) {
            return;
        }
        try {
            Directories.deleteTree(path);
        } catch (IOException e) {
            // Left for the caller's workspace clean-up; nothing secret is kept there.
        }
    }
}
