package io.repobox.runner.git;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The git executable the runner uses, found once at start-up as an absolute, resolved path.
 *
 * <p>Looking {@code git} up on PATH for every command would run whatever an agent managed to put
 * earlier on PATH later on (a writable directory on PATH, such as {@code ~/bin}, is enough when
 * SANDBOX=none). Relative PATH entries ({@code .}, empty) are never used.
 */
public record GitBinary(Path path) {

    public GitBinary {
        if (!path.isAbsolute()) {
            throw new IllegalArgumentException("the git executable must be an absolute path: " + path);
        }
    }

    /**
     * Finds {@code git} on the absolute entries of {@code PATH} of {@code environment}.
     *
     * @throws IllegalStateException when there is none, with a message that says what to do
     */
    public static GitBinary locate(Map<String, String> environment) {
        String pathVariable = environment.getOrDefault("PATH", "");
        for (String entry : pathVariable.split(File.pathSeparator)) {
            if (entry.isEmpty() || !entry.startsWith("/")) {
                continue; // "." or a relative directory would follow the current directory
            }
            Path candidate = Path.of(entry, "git");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                try {
                    return new GitBinary(candidate.toRealPath());
                } catch (IOException e) {
                    // vanished meanwhile: keep looking
                }
            }
        }
        throw new IllegalStateException("git was not found on PATH (" + pathVariable + "); install git or add its "
                + "directory to PATH");
    }

    /** The git of this JVM's PATH, found when first asked for (at start-up) and then kept. */
    public static GitBinary system() {
        return System.INSTANCE;
    }

    private static final class System {
        static final GitBinary INSTANCE = locate(java.lang.System.getenv());
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
