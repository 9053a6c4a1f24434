package io.repobox.agent.process.internal;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every process an execution started, and the means to stop them all.
 *
 * <p>Two ways find them. The descendants of the direct child (a walk of parent links) find
 * children and grandchildren, including those that called {@code setsid} to leave the process
 * group. They miss a daemon that double-forked: its parent is gone, so it hangs from init (or a
 * subreaper), not from our child. So each execution also puts a marker variable with a random
 * value into the child's environment; descendants inherit it, and on Linux every process whose
 * {@code /proc/<pid>/environ} holds the marker is found, wherever it hangs. When the child leads a
 * session of its own, a process of ours whose environment reads empty is also found by its session:
 * one that cleared its environment before {@code exec}, or one caught in the middle of an
 * {@code exec} (the kernel shows the new program's environment only once it has set it up). A
 * process that both clears its environment and leaves the session escapes; on systems without
 * {@code /proc} only the descendant walk is available. Both limits are documented.
 */
public final class ProcessTree {

    /** The variable that marks the processes of one execution. */
    public static final String MARKER_VARIABLE = "REPOBOX_EXECUTION_MARKER";

    private static final Logger log = LoggerFactory.getLogger(ProcessTree.class);
    private static final Path PROC = Path.of("/proc");
    private static final boolean HAVE_PROC = Files.isDirectory(PROC.resolve("self"));
    private static final long SELF = ProcessHandle.current().pid();
    private static final int KILL_ROUNDS = 100;

    private final ProcessHandle root;
    private final byte[] marker;
    /** The session the root leads (its pid), or 0 when it leads none: then no process is found by its session. */
    private final long session;

    public ProcessTree(ProcessHandle root, String markerValue) {
        this(root, MARKER_VARIABLE, markerValue);
    }

    /** {@link #ProcessTree(ProcessHandle, String)} for a root started as the leader of a session of its own ({@code setsid}). */
    public ProcessTree(ProcessHandle root, String markerValue, boolean leadsSession) {
        this(root, MARKER_VARIABLE, markerValue, leadsSession);
    }

    /** The processes whose environment holds {@code name=value}, and the descendants of {@code root} (may be null). */
    public ProcessTree(ProcessHandle root, String name, String value) {
        this(root, name, value, false);
    }

    private ProcessTree(ProcessHandle root, String name, String value, boolean leadsSession) {
        this.root = root;
        this.marker = (name + "=" + value).getBytes(StandardCharsets.UTF_8);
        // A session id stays taken while any process of the session lives, so it cannot name someone else's.
        this.session = leadsSession && root != null ? root.pid() : 0;
    }

    /** The processes of the tree that are still alive (zombies count as gone). */
    public List<ProcessHandle> alive() {
        Map<Long, ProcessHandle> found = new LinkedHashMap<>();
        // A root that has exited has no descendants: the kernel gave its children to init (or a
        // subreaper) when it exited, and only the marker finds them. Not walking them then saves a
        // scan of every process after each normal exit.
        if (root != null && isAlive(root)) {
            found.put(root.pid(), root);
            root.descendants().filter(ProcessTree::isAlive).forEach(p -> found.put(p.pid(), p));
        }
        if (HAVE_PROC) {
            for (ProcessHandle p : markedProcesses()) {
                found.putIfAbsent(p.pid(), p);
            }
        }
        return new ArrayList<>(found.values());
    }

    /**
     * Stops every process of the tree: SIGTERM to all, up to {@code grace} for them to go, then
     * SIGKILL to whatever is left. Processes that appear meanwhile are signalled too. Returns the
     * number of processes signalled; returns at once with 0 when nothing is alive.
     */
    public int stop(Duration grace) {
        // An interrupted caller still gets a stopped tree, only without the grace period; the
        // interrupt is kept for it. (Sleeping with the flag set would return at once and spin.)
        boolean interrupted = Thread.interrupted();
        Set<Long> signalled = new HashSet<>();
        long deadline = System.nanoTime() + grace.toNanos();
        try {
            while (true) {
                List<ProcessHandle> alive = alive();
                if (alive.isEmpty()) {
                    return signalled.size();
                }
                for (ProcessHandle p : alive) {
                    if (signalled.add(p.pid())) {
                        p.destroy();
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || interrupted) {
                    break;
                }
                interrupted = pause(Math.min(left, TimeUnit.MILLISECONDS.toNanos(20)));
            }
            for (int round = 0; round < KILL_ROUNDS; round++) {
                List<ProcessHandle> alive = alive();
                if (alive.isEmpty()) {
                    return signalled.size();
                }
                for (ProcessHandle p : alive) {
                    signalled.add(p.pid());
                    p.destroyForcibly();
                }
                interrupted |= pause(TimeUnit.MILLISECONDS.toNanos(10));
            }
            log.warn("Processes {} survived SIGKILL; they may be in uninterruptible sleep", alive().stream().map(ProcessHandle::pid).toList());
            return signalled.size();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Every live process whose environment holds the marker. This runs after each child's exit, on
     * the job's path, so it is written for speed: plain {@code java.io} calls and one reused buffer,
     * and an access check first, so that the processes of other users (whose environment is not
     * readable, and which are most processes of a shared host) cost no exception each.
     */
    private List<ProcessHandle> markedProcesses() {
        List<ProcessHandle> out = new ArrayList<>();
        String[] names = PROC.toFile().list();
        if (names == null) {
            log.debug("Could not list /proc");
            return out;
        }
        EnvironReader reader = new EnvironReader();
        for (String name : names) {
            long pid = parsePid(name);
            if (pid <= 0 || pid == SELF) {
                continue;
            }
            File environ = new File("/proc/" + name + "/environ");
            // canRead: another user's process (not ours) is skipped without an exception
            if (environ.canRead() && reader.read(environ) && (reader.holds(marker) || reader.length == 0 && inSession(name))) {
                ProcessHandle.of(pid).filter(ProcessTree::isAlive).ifPresent(out::add);
            }
        }
        return out;
    }

    /** Whether the process {@code pid} is in the root's session (the sixth field of its stat line; the name before may hold spaces). */
    private boolean inSession(String pid) {
        if (session == 0) {
            return false;
        }
        try {
            String stat = Files.readString(PROC.resolve(pid).resolve("stat"), StandardCharsets.US_ASCII);
            String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ", 5);
            return after.length >= 4 && Long.parseLong(after[3]) == session;
        } catch (IOException | RuntimeException e) {
            return false; // gone meanwhile
        }
    }

    /** Reads environment files into one buffer, grown as needed, and looks for an entry in the last one read. */
    private static final class EnvironReader {
        private byte[] buffer = new byte[16 * 1024];
        private int length;

        /** False when the file cannot be read (the process is gone, or not ours). */
        boolean read(File file) {
            length = 0;
            try (FileInputStream in = new FileInputStream(file)) {
                while (true) {
                    if (length == buffer.length) {
                        buffer = Arrays.copyOf(buffer, buffer.length * 2);
                    }
                    int r = in.read(buffer, length, buffer.length - length);
                    if (r < 0) {
                        return true;
                    }
                    length += r;
                }
            } catch (IOException | SecurityException e) {
                return false;
            }
        }

        /** Entries are NUL-separated NAME=value strings; {@code entry} must match one exactly. */
        boolean holds(byte[] entry) {
            int start = 0;
            while (start < length) {
                int end = start;
                while (end < length && buffer[end] != 0) {
                    end++;
                }
                if (Arrays.equals(buffer, start, end, entry, 0, entry.length)) {
                    return true;
                }
                start = end + 1;
            }
            return false;
        }
    }

    /** Alive and not a zombie: a zombie has ended and only waits for its parent to reap it. */
    static boolean isAlive(ProcessHandle p) {
        if (!p.isAlive()) {
            return false;
        }
        if (!HAVE_PROC) {
            return true;
        }
        try {
            String stat = Files.readString(PROC.resolve(Long.toString(p.pid())).resolve("stat"));
            int close = stat.lastIndexOf(')');
            return close < 0 || close + 2 >= stat.length() || (stat.charAt(close + 2) != 'Z' && stat.charAt(close + 2) != 'X');
        } catch (IOException e) {
            return false;
        }
    }

    private static long parsePid(String name) {
        for (int i = 0; i < name.length(); i++) {
            if (!Character.isDigit(name.charAt(i))) {
                return -1;
            }
        }
        try {
            return Long.parseLong(name);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Sleeps; returns true if interrupted (the flag is left clear, the caller keeps track). */
    private static boolean pause(long nanos) {
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
            return false;
        } catch (InterruptedException e) {
            return true;
        }
    }
}
