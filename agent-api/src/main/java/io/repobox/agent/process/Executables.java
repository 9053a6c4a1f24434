package io.repobox.agent.process;

import io.repobox.agent.process.ProcessResult.StartFailure;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Finds the file a command names, the way {@code execvp} would but against the child's PATH,
 * so that a failure can be explained precisely before the operating system gives its terse
 * "error=2".
 *
 * <p>Public because a provider needs the same answer before it starts anything: to report in its
 * readiness check whether its CLI is installed, and to find the file whose version it probes.
 */
public final class Executables {

    /** The file to run, or why there is none. Exactly one of the two is set. */
    public record Resolution(Path path, StartFailure failure, String message) {
    }

    private Executables() {
    }

    public static Resolution resolve(String command, Path workingDirectory, Map<String, String> environment) {
        if (command.contains("/")) {
            Path path = workingDirectory.resolve(command);
            if (!Files.exists(path)) {
                return new Resolution(null, StartFailure.NOT_FOUND, "'" + command + "' does not exist");
            }
            if (Files.isDirectory(path) || !Files.isExecutable(path)) {
                return new Resolution(null, StartFailure.NOT_EXECUTABLE, "'" + command + "' is not an executable file"
                        + (Files.isDirectory(path) ? " (it is a directory)" : " (missing execute permission?)"));
            }
            return new Resolution(path, null, null);
        }
        String pathVariable = environment.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        boolean foundButNotExecutable = false;
        for (String dir : pathVariable.split(File.pathSeparator)) {
            Path candidate = (dir.isEmpty() ? workingDirectory : workingDirectory.resolve(dir)).resolve(command);
            if (Files.isRegularFile(candidate)) {
                if (Files.isExecutable(candidate)) {
                    return new Resolution(candidate, null, null);
                }
                foundButNotExecutable = true;
            }
        }
        return foundButNotExecutable
                ? new Resolution(null, StartFailure.NOT_EXECUTABLE, "'" + command + "' was found on PATH but is not executable")
                : new Resolution(null, StartFailure.NOT_FOUND, "'" + command + "' not found on PATH");
    }
}
