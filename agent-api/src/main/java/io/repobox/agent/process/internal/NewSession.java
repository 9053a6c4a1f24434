package io.repobox.agent.process.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts children in a session (and so a process group) of their own, through {@code setsid}, so
 * that a terminal's Ctrl-C, which the terminal sends to its whole foreground process group, reaches
 * only the JVM: the JVM then decides what happens to each child (a job is cancelled through its
 * normal path, not killed under it). Where {@code setsid} is missing, or where the program could
 * not be executed (so that the JVM's own start reports why, precisely), the command is unchanged.
 */
public final class NewSession {

    private static final Path SETSID = find(Path.of("/usr/bin/setsid"), Path.of("/bin/setsid"));

    private static final Path SH = find(Path.of("/bin/sh"), Path.of("/usr/bin/sh"));

    /** Made on the first child that leads its own group; lives as long as the JVM. */
    private static final SessionWatch WATCH = SH == null ? null : new SessionWatch(SH);

    private NewSession() {
    }

    /**
     * {@code command} (whose first element is the resolved {@code program}) run in a new session where
     * possible; when the result differs from {@code command}, the child leads its session and should be
     * {@link #watch watched}.
     */
    public static List<String> wrap(List<String> command, Path program) {
        if (SETSID == null || !executesDirectly(program)) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(command.size() + 1);
        wrapped.add(SETSID.toString());
        wrapped.addAll(command);
        return wrapped;
    }

    /**
     * Ends {@code child}'s session with this JVM: a child started through {@link #wrap} leads a
     * session and process group of its own, out of reach of the JVM's terminal, and so would outlive
     * a JVM that is killed (SIGKILL, the OOM killer) before it could stop its children. The JVM's
     * {@link SessionWatch} kills the group when the JVM is gone. {@link Watch#close()} takes the group
     * off its list once the group is known to be gone (never later: the group id could be reused).
     * Without {@code sh}, the watch is a no-op.
     */
    public static Watch watch(Process child) {
        long group = child.pid(); // setsid made it the leader of a group with its own id
        if (WATCH == null || !WATCH.add(group)) {
            return () -> { };
        }
        return () -> WATCH.remove(group);
    }

    /** A started watch; {@link #close()} ends it without touching the child's group. */
    public interface Watch extends AutoCloseable {
        @Override
        void close();
    }

    /** An ELF binary, or a script whose interpreter exists: what execve runs without an error of its own. */
    private static boolean executesDirectly(Path program) {
        byte[] head = new byte[256];
        int n;
        try (InputStream in = Files.newInputStream(program)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            return false;
        }
        if (n >= 4 && head[0] == 0x7f && head[1] == 'E' && head[2] == 'L' && head[3] == 'F') {
            return true;
        }
        if (n < 3 || head[0] != '#' || head[1] != '!') {
            return false;
        }
        String line = new String(head, 2, n - 2, StandardCharsets.UTF_8).lines().findFirst().orElse("").trim();
        String interpreter = line.split("\\s+", 2)[0];
        return !interpreter.isEmpty() && Files.isExecutable(Path.of(interpreter));
    }

    private static Path find(Path... candidates) {
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            return null;
        }
        for (Path p : candidates) {
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }
}
