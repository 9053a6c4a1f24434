package io.repobox.agent.process.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * One {@code sh} per JVM that kills the process groups of this JVM's children when the JVM is gone,
 * however it ends (SIGKILL and the out-of-memory killer included, which leave the JVM no time to
 * stop its children itself).
 *
 * <p>It reads lines from a pipe that only this JVM holds: {@code + GROUP} when a child that leads
 * its own process group starts, {@code - GROUP} once that group is known to be gone (never later:
 * a group id can be reused). When the JVM exits, the pipe closes, the read ends, and the watcher
 * kills every group still listed. It ignores the signals a terminal or a supervisor sends to the
 * JVM's whole process group, so the JVM, which survives those, keeps its watch; it has an empty
 * environment. One process for all children: registering a child costs a line on a pipe, not a
 * fork.
 */
final class SessionWatch {

    private static final String SCRIPT = String.join("\n",
            "trap '' INT HUP TERM QUIT",
            "groups=' '",
            "while read -r op group; do",
            "  case $op in",
            "    +) groups=\"$groups$group \" ;;",
            "    -) case $groups in *\" $group \"*) groups=\"${groups%% $group *} ${groups#* $group }\" ;; esac ;;",
            "  esac",
            "done",
            "for group in $groups; do kill -9 \"-$group\" 2>/dev/null; done",
            "");

    private final Path sh;
    private Process watcher;
    private OutputStream pipe;
    private boolean hooked;

    SessionWatch(Path sh) {
        this.sh = sh;
    }

    /** Lists {@code group}; false if no watcher could be started (then the group is not watched). */
    synchronized boolean add(long group) {
        return send("+ " + group + "\n") || (restart() && send("+ " + group + "\n"));
    }

    /** Takes {@code group} off the list. */
    synchronized void remove(long group) {
        send("- " + group + "\n");
    }

    /**
     * At a normal exit: closes the pipe (the watcher ends the groups still listed, normally none) and
     * waits briefly for it. Left running, the watcher would keep the JVM's reaper thread waiting on
     * it, and the JVM waits for such threads at exit (about 300 ms on every command).
     */
    private synchronized void end() {
        if (pipe == null) {
            return;
        }
        try {
            pipe.close();
            watcher.waitFor(1, java.util.concurrent.TimeUnit.SECONDS);
        } catch (IOException e) {
            // gone already
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pipe = null;
    }

    private boolean send(String line) {
        if (pipe == null) {
            return false;
        }
        try {
            pipe.write(line.getBytes(StandardCharsets.US_ASCII));
            pipe.flush();
            return true;
        } catch (IOException e) {
            return false; // the watcher is gone (killed by hand): add starts another
        }
    }

    /**
     * Starts a watcher (again, if one was killed: the groups the old one listed are then no longer
     * watched, which the next children do not suffer from).
     */
    private boolean restart() {
        if (watcher != null) {
            watcher.destroyForcibly();
        }
        try {
            ProcessBuilder builder = new ProcessBuilder(sh.toString(), "-c", SCRIPT, "repobox-watch")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
            builder.environment().clear(); // it needs nothing, and the JVM's environment holds its secrets
            watcher = builder.start();
            pipe = watcher.getOutputStream();
            if (!hooked) {
                hooked = true;
                Runtime.getRuntime().addShutdownHook(new Thread(this::end, "repobox-session-watch-end"));
            }
            return true;
        } catch (IOException e) {
            watcher = null;
            pipe = null;
            return false;
        }
    }
}
