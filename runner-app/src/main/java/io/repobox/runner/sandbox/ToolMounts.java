package io.repobox.runner.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The read-only directories a program needs beyond the system: its installation (an agent CLI
 * installed with npm under a project's tools directory, or in /opt) and the PATH directories its
 * own programs come from (node, npm, composer). Never anything under TEMP_DIR except the job's own
 * working tree (which is writable anyway), never "/" or a directory that is not a {@code bin}.
 */
final class ToolMounts {

    private static final List<Path> SYSTEM = List.of(Path.of("/usr"), Path.of("/bin"), Path.of("/sbin"), Path.of("/lib"),
            Path.of("/lib64"), Path.of("/etc"));

    private ToolMounts() {
    }

    /** The program as an absolute path: a name with a slash against {@code wd}, else the first match on {@code path}. */
    static Path resolve(String program, Path wd, String path) {
        if (program.contains("/")) {
            Path p = wd.resolve(program).normalize();
            return Files.isRegularFile(p) && Files.isExecutable(p) ? p : null;
        }
        for (String dir : path.split(":")) {
            if (dir.isEmpty() || !dir.startsWith("/")) {
                continue; // a relative PATH entry would resolve against the repository: the repository's choice, not ours
            }
            Path p = Path.of(dir, program);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /** The directories to mount read-only for {@code program} (absolute) with {@code path}. */
    static List<Path> of(Path program, String path, Path tempDir, Path repo) {
        Set<Path> out = new LinkedHashSet<>();
        addProgram(out, program, tempDir, repo);
        try {
            addProgram(out, program.toRealPath(), tempDir, repo);
        } catch (IOException e) {
            // a dangling link fails at exec with its own message
        }
        for (String dir : path.split(":")) {
            if (dir.startsWith("/")) {
                Path p = Path.of(dir).normalize();
                String name = p.getFileName() == null ? "" : p.getFileName().toString();
                if ((name.equals("bin") || name.equals("sbin")) && Files.isDirectory(p)) {
                    add(out, p, tempDir, repo);
                }
            }
        }
        // Mount parents before children; drop what another mount (or the system's) already holds.
        List<Path> sorted = new ArrayList<>(out);
        sorted.sort(null);
        List<Path> result = new ArrayList<>();
        for (Path p : sorted) {
            if (result.stream().noneMatch(p::startsWith)) {
                result.add(p);
            }
        }
        return result;
    }

    /** The program's installation, or the program file alone when its installation would take in TEMP_DIR. */
    private static void addProgram(Set<Path> out, Path program, Path tempDir, Path repo) {
        Path root = installRoot(program);
        if (!add(out, root, tempDir, repo) && root != null && tempDir != null && containsTempDir(root, tempDir)) {
            add(out, program, tempDir, repo);
        }
    }

    private static boolean add(Set<Path> out, Path dir, Path tempDir, Path repo) {
        if (dir == null || dir.getNameCount() == 0 || dir.startsWith(repo) || SYSTEM.stream().anyMatch(dir::startsWith)) {
            return false;
        }
        if (tempDir != null && (dir.startsWith(tempDir.toAbsolutePath().normalize()) || containsTempDir(dir, tempDir))) {
            return false; // other jobs' workspaces live there
        }
        return out.add(dir);
    }

    private static boolean containsTempDir(Path dir, Path tempDir) {
        return tempDir.toAbsolutePath().normalize().startsWith(dir);
    }

    /**
     * Where a program's installation starts: above its {@code node_modules} (an npm package and its
     * dependencies), above its {@code bin} directory, or its own directory.
     */
    static Path installRoot(Path program) {
        Path dir = program.toAbsolutePath().normalize().getParent();
        if (dir == null) {
            return null;
        }
        for (int i = 0; i < dir.getNameCount(); i++) {
            if (dir.getName(i).toString().equals("node_modules")) {
                return i == 0 ? null : dir.getRoot().resolve(dir.subpath(0, i));
            }
        }
        Path parent = dir.getParent();
        if (dir.getFileName() != null && dir.getFileName().toString().equals("bin") && parent != null && parent.getNameCount() >= 2
                && !parent.getFileName().toString().equals(".local") && !parent.equals(Path.of(System.getProperty("user.home")))) {
            return parent; // /opt/tool/bin/tool: the whole tool, but never a home directory (~/bin, ~/.local/bin)
        }
        return dir;
    }
}
