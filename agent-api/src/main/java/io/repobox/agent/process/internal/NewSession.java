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

    private NewSession() {
    }

    /** {@code command} (whose first element is the resolved {@code program}) run in a new session where possible. */
    public static List<String> wrap(List<String> command, Path program) {
        if (SETSID == null || !executesDirectly(program)) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(command.size() + 1);
        wrapped.add(SETSID.toString());
        wrapped.addAll(command);
        return wrapped;
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
