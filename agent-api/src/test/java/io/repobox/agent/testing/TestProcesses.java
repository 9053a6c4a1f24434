package io.repobox.agent.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Helpers for tests that run real processes: scripts, liveness, and survivors. */
public final class TestProcesses {

    private TestProcesses() {
    }

    /**
     * Copies the script {@code name} (a resource next to this class) into {@code dir} as an
     * executable file; works from the test-jar too.
     */
    public static Path script(String name, Path dir) {
        try (InputStream in = TestProcesses.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test script " + name);
            }
            Path target = dir.resolve(name);
            Files.write(target, in.readAllBytes());
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwx------"));
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether {@code pid} is gone: no such process, or a zombie waiting to be reaped. */
    public static boolean isGone(long pid) {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        try {
            String s = Files.readString(stat);
            char state = s.charAt(s.lastIndexOf(')') + 2);
            return state == 'Z' || state == 'X';
        } catch (IOException e) {
            return true;
        }
    }

    /** The pids listed one per line in {@code file}. */
    public static List<Long> pids(Path file) {
        try {
            return Files.readAllLines(file).stream().map(String::trim).filter(s -> !s.isEmpty()).map(Long::parseLong).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The live (non-zombie) processes whose environment contains {@code entry} ("NAME=value"). */
    public static List<Long> liveProcessesWithEnvironment(String entry) {
        byte[] needle = entry.getBytes(StandardCharsets.UTF_8);
        List<Long> out = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(Path.of("/proc"))) {
            for (Path dir : (Iterable<Path>) dirs::iterator) {
                String name = dir.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    byte[] env = Files.readAllBytes(dir.resolve("environ"));
                    if (contains(env, needle) && !isGone(Long.parseLong(name))) {
                        out.add(Long.parseLong(name));
                    }
                } catch (IOException ignored) {
                    // gone meanwhile
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Kills {@code pid} with SIGKILL if it is still there (cleanup for processes a test let escape). */
    public static void kill(long pid) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }

    private static boolean contains(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
