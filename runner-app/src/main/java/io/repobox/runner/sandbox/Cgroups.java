package io.repobox.runner.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the runner may make a cgroup per job to bound its processes and memory: under the runner's
 * own cgroup, in cgroup v2 when that cgroup delegates the pids and memory controllers to its
 * children ({@code cgroup.subtree_control}), else in the v1 pids and memory hierarchies when the
 * runner may create groups there (root). Without either, only the rlimits of the sandbox apply.
 */
public final class Cgroups {

    private static final Logger log = LoggerFactory.getLogger(Cgroups.class);

    /** The parent directories of job groups: one (v2) or two (v1: pids, memory). */
    private final boolean v2;
    private final Path pidsParent;
    private final Path memoryParent;

    private Cgroups(boolean v2, Path pidsParent, Path memoryParent) {
        this.v2 = v2;
        this.pidsParent = pidsParent;
        this.memoryParent = memoryParent;
    }

    /** What this host offers, or empty (then the docs' "without a cgroup" column applies). */
    public static Optional<Cgroups> detect() {
        try {
            List<String> mounts = Files.readAllLines(Path.of("/proc/self/mountinfo"));
            List<String> own = Files.readAllLines(Path.of("/proc/self/cgroup"));
            Path v2 = mountPoint(mounts, "cgroup2", null);
            String v2Path = ownPath(own, "");
            if (v2 != null && v2Path != null) {
                Path dir = v2.resolve(v2Path.substring(1));
                String delegated = read(dir.resolve("cgroup.subtree_control"));
                if (delegated.contains("pids") && delegated.contains("memory") && probe(dir)) {
                    return Optional.of(new Cgroups(true, dir, dir));
                }
            }
            Path pids = v1Parent(mounts, own, "pids");
            Path memory = v1Parent(mounts, own, "memory");
            if (pids != null && memory != null && probe(pids) && probe(memory)) {
                return Optional.of(new Cgroups(false, pids, memory));
            }
        } catch (IOException | RuntimeException e) {
            log.debug("No cgroup for jobs: {}", e.toString());
        }
        return Optional.empty();
    }

    /** A short description for doctor and the start-up log. */
    public String describe() {
        return v2 ? "cgroup v2 under " + pidsParent : "cgroup v1 under " + pidsParent + " and " + memoryParent;
    }

    /** Makes the job's group(s) with the limits. */
    public JobGroup create(String name, int maxProcesses, long maxMemory) throws IOException {
        Path pids = Files.createDirectories(pidsParent.resolve(name));
        Path memory = v2 ? pids : Files.createDirectories(memoryParent.resolve(name));
        JobGroup group = new JobGroup(v2, pids, memory);
        try {
            Files.writeString(pids.resolve("pids.max"), Integer.toString(maxProcesses));
            Files.writeString(memory.resolve(v2 ? "memory.max" : "memory.limit_in_bytes"), Long.toString(maxMemory));
            if (v2 && Files.exists(memory.resolve("memory.swap.max"))) {
                Files.writeString(memory.resolve("memory.swap.max"), "0");
            }
        } catch (IOException e) {
            group.close();
            throw e;
        }
        return group;
    }

    /**
     * Kills what is in the group(s) called {@code name} and removes them, if they exist (what a runner
     * killed before it could take them down left behind).
     */
    public void remove(String name) {
        List<Path> dirs = directories(name);
        new JobGroup(v2, dirs.get(0), dirs.get(dirs.size() - 1)).close();
    }

    /** Whether a group called {@code name} exists under the parent(s). */
    public boolean exists(String name) {
        return directories(name).stream().anyMatch(Files::isDirectory);
    }

    /** The directories of the group(s) called {@code name}: one (v2) or two (v1: pids, then memory). */
    public List<Path> directories(String name) {
        if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("not a cgroup name: " + name);
        }
        return v2 ? List.of(pidsParent.resolve(name)) : List.of(pidsParent.resolve(name), memoryParent.resolve(name));
    }

    /** One job's group: the files its processes join, whether a limit was hit, and removal. */
    public static final class JobGroup implements AutoCloseable {
        private final boolean v2;
        private final Path pids;
        private final Path memory;

        JobGroup(boolean v2, Path pids, Path memory) {
            this.v2 = v2;
            this.pids = pids;
            this.memory = memory;
        }

        public List<Path> procsFiles() {
            return v2 ? List.of(pids.resolve("cgroup.procs")) : List.of(pids.resolve("cgroup.procs"), memory.resolve("cgroup.procs"));
        }

        /** Whether a fork was refused at pids.max. */
        public boolean processLimitHit() {
            return counter(read(pids.resolve("pids.events")), "max") > 0;
        }

        /** Whether the kernel killed a process of the group for memory. */
        public boolean memoryLimitHit() {
            return counter(read(memory.resolve(v2 ? "memory.events" : "memory.oom_control")), "oom_kill") > 0;
        }

        /** Kills what is left in the group and removes it. */
        @Override
        public void close() {
            for (Path dir : v2 ? List.of(pids) : List.of(pids, memory)) {
                for (int attempt = 0; attempt < 100 && Files.isDirectory(dir); attempt++) {
                    killAll(dir);
                    try {
                        Files.delete(dir);
                    } catch (IOException e) {
                        pause(); // processes still exiting
                    }
                }
                if (Files.isDirectory(dir)) {
                    log.warn("Could not remove the job's cgroup {}", dir);
                }
            }
        }

        private static void killAll(Path dir) {
            for (String line : read(dir.resolve("cgroup.procs")).split("\n")) {
                if (!line.isBlank()) {
                    ProcessHandle.of(Long.parseLong(line.trim())).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
        }
    }

    private static long counter(String text, String name) {
        for (String line : text.split("\n")) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length == 2 && parts[0].equals(name)) {
                try {
                    return Long.parseLong(parts[1]);
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 0;
    }

    private static Path v1Parent(List<String> mounts, List<String> own, String controller) {
        Path mount = mountPoint(mounts, "cgroup", controller);
        String path = ownPath(own, controller);
        if (mount == null || path == null) {
            return null;
        }
        Path dir = mount.resolve(path.substring(1));
        return Files.isDirectory(dir) ? dir : mount; // in a cgroup namespace the mount's root is our own group
    }

    /** The mount point of a cgroup file system (a v1 one with {@code controller} among its options). */
    private static Path mountPoint(List<String> mountinfo, String type, String controller) {
        for (String line : mountinfo) {
            int dash = line.indexOf(" - ");
            if (dash < 0) {
                continue;
            }
            String[] left = line.substring(0, dash).split(" ");
            String[] right = line.substring(dash + 3).split(" ");
            if (right.length >= 3 && right[0].equals(type)
                    && (controller == null || List.of(right[2].split(",")).contains(controller))) {
                return Path.of(left[4]);
            }
        }
        return null;
    }

    /** This process's path in the hierarchy of {@code controller} ("" for v2), from /proc/self/cgroup. */
    private static String ownPath(List<String> lines, String controller) {
        for (String line : lines) {
            String[] parts = line.split(":", 3);
            if (parts.length == 3 && (controller.isEmpty() ? parts[0].equals("0") && parts[1].isEmpty()
                    : List.of(parts[1].split(",")).contains(controller))) {
                return parts[2];
            }
        }
        return null;
    }

    private static boolean probe(Path parent) {
        Path test = parent.resolve("repobox-probe-" + ProcessHandle.current().pid());
        try {
            Files.createDirectory(test);
            Files.delete(test);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static String read(Path file) {
        try (Stream<String> lines = Files.lines(file)) {
            return String.join("\n", lines.toList());
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static void pause() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
