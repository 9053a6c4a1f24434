package io.repobox.runner.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The private Redis of one {@code run} without REDIS_URL: a {@code redis-server} (from the binaries
 * the embedded-redis artifact ships) that no other local user can use or replace, and that ends with
 * this JVM however the JVM ends.
 *
 * <ul>
 *   <li>Its data and configuration live in a fresh directory of mode 700: the configuration file
 *       holds a random password (never in argv, where {@code ps} shows it). The binary is verified
 *       against its SHA-256 before it is executed and kept in the user's private cache
 *       ({@link RedisBinary}); nothing is run from a shared, predictable path.
 *   <li>The server listens on 127.0.0.1 only and refuses clients without the password.
 *   <li>It is started through a small {@code sh} wrapper in a session of its own (a terminal's
 *       Ctrl-C does not reach it). The wrapper reads its stdin, a pipe from this JVM: when the JVM
 *       exits, normally or killed, the pipe closes, and the wrapper stops the server and deletes the
 *       directory.
 * </ul>
 */
final class RunRedis implements AutoCloseable {

    /**
     * Waits for the JVM's pipe to close, then stops the server and removes the private directory. The
     * server is killed, not asked to stop: it keeps nothing (no persistence, its directory goes next),
     * and Redis acts on SIGTERM only at its next timer tick, up to 100 ms that every {@code run} waited.
     *
     * <p>Meanwhile it reads lines from the pipe: {@code tree PATH} and {@code group PATH} name the job's
     * workspace and cgroups ({@link #removeIfKilled}), {@code done} says that the JVM took down what it
     * made. A JVM that dies without saying so (SIGKILL, a second Ctrl-C) leaves them to the wrapper,
     * which removes them once the job's processes are gone (bubblewrap's die-with-parent ends them; a
     * cgroup can be removed only once empty, so it tries for up to 20 s). Only absolute paths are
     * taken, with globbing off.
     */
    private static final String WRAPPER = "trap '' INT HUP\n"
            + "\"$2\" \"$3\" &\n"
            + "pid=$!\n"
            + "trap 'kill -KILL $pid 2>/dev/null' TERM\n"
            + "trees=; groups=; finished=\n"
            + "while IFS= read -r line; do\n"
            + "  case $line in\n"
            + "    'tree /'*) trees=\"$trees\n${line#tree }\" ;;\n"
            + "    'group /'*) groups=\"$groups\n${line#group }\" ;;\n"
            + "    done) finished=1 ;;\n"
            + "  esac\n"
            + "done\n"
            + "exec >/dev/null 2>&1\n" // the JVM may be gone: a line to its pipe (the shell's "Killed") would end this script
            + "kill -KILL $pid\n"
            + "wait $pid\n"
            + "rm -rf \"$1\"\n"
            + "[ -n \"$finished\" ] && exit 0\n"
            + "set -f; IFS='\n'\n"
            + "i=0; while [ $i -lt 200 ]; do\n" // up to 20 s: it ends as soon as they are gone
            + "  left=\n"
            + "  for t in $trees; do rm -rf \"$t\"; [ -e \"$t\" ] && left=1; done\n"
            + "  for g in $groups; do rmdir \"$g\"; [ -d \"$g\" ] && left=1; done\n"
            + "  [ -z \"$left\" ] && exit 0\n"
            + "  i=$((i+1)); sleep 0.1\n"
            + "done\n";

    private static final long STARTUP_MILLIS = 30_000;

    private final Path dir;
    private final int port;
    private final String password;
    private final Process wrapper;
    private final OutputStream lifeline;

    /** Counted down when the server says it accepts connections. */
    private final CountDownLatch ready = new CountDownLatch(1);
    /** The server's last lines, for the message when it does not start. */
    private final Deque<String> last = new ArrayDeque<>();

    private RunRedis(Path dir, int port, String password, Process wrapper) {
        this.dir = dir;
        this.port = port;
        this.password = password;
        this.wrapper = wrapper;
        this.lifeline = wrapper.getOutputStream();
    }

    /**
     * Starts a server in a new private directory under the system temp directory; the cache directory
     * of the server's binary is found from {@code environment}.
     */
    static RunRedis start(Map<String, String> environment) {
        RunRedis redis = launch(environment);
        redis.awaitReady();
        return redis;
    }

    /**
     * Starts a server as {@link #start} does, without waiting for it to accept connections: the caller
     * does other work meanwhile and then calls {@link #awaitReady()}.
     */
    static RunRedis launch(Map<String, String> environment) {
        Path dir;
        try {
            dir = Files.createTempDirectory("repobox-run-redis-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a private directory for the embedded Redis; set REDIS_URL", e);
        }
        try {
            Path binary = RedisBinary.locate(dir, environment);
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String password = HexFormat.of().formatHex(random);
            int port = freePort();
            Path conf = dir.resolve("redis.conf");
            Files.writeString(conf, String.join("\n", "port " + port, "bind 127.0.0.1", "protected-mode yes",
                    "requirepass " + password, "dir " + dir, "save \"\"", "appendonly no", "daemonize no", "logfile \"\"",
                    "loglevel notice", ""), StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rw-------"));
            List<String> command = new java.util.ArrayList<>();
            for (String setsid : List.of("/usr/bin/setsid", "/bin/setsid")) {
                if (Files.isExecutable(Path.of(setsid))) {
                    command.add(setsid);
                    break;
                }
            }
            command.addAll(List.of("/bin/sh", "-c", WRAPPER, "repobox-run-redis", dir.toString(), binary.toString(), conf.toString()));
            ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
            builder.environment().keySet().removeIf(k -> !k.equals("PATH") && !k.equals("LANG") && !k.startsWith("LC_"));
            RunRedis redis = new RunRedis(dir, port, password, builder.start());
            redis.readOutput();
            return redis;
        } catch (IOException | RuntimeException e) {
            deleteQuietly(dir);
            throw e instanceof IOException io ? new UncheckedIOException("could not start the embedded Redis: " + io.getMessage(), io)
                    : (RuntimeException) e;
        }
    }

    /** {@code redis://:PASSWORD@127.0.0.1:PORT}: a secret, never printed. */
    String url() {
        return "redis://:" + password + "@127.0.0.1:" + port;
    }

    int port() {
        return port;
    }

    String password() {
        return password;
    }

    Path directory() {
        return dir;
    }

    long pid() {
        return wrapper.pid();
    }

    private void readOutput() {
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(wrapper.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    synchronized (last) {
                        last.addLast(line);
                        if (last.size() > 10) {
                            last.removeFirst();
                        }
                    }
                    if (line.contains("Ready to accept connections")) {
                        ready.countDown();
                    }
                }
            } catch (IOException e) {
                // the server ended; the wait below reports it
            }
        }, "repobox-run-redis-output");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Waits until the server accepts connections; when it ends or does not get there in time, stops it,
     * removes its directory and says why.
     */
    void awaitReady() {
        long deadline = System.currentTimeMillis() + STARTUP_MILLIS;
        try {
            while (!ready.await(50, TimeUnit.MILLISECONDS)) {
                if (!wrapper.isAlive() || System.currentTimeMillis() > deadline) {
                    close();
                    synchronized (last) {
                        throw new IllegalStateException("the embedded Redis did not start (set REDIS_URL to use a Redis server): "
                                + String.join(" | ", last));
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IllegalStateException("interrupted while starting the embedded Redis", e);
        }
    }

    /**
     * Has the wrapper remove {@code trees} (recursively) and the cgroup directories {@code groups} should
     * this JVM die before {@link #close()}: {@code run}'s job workspace and cgroups, which a killed JVM
     * cannot take down. A path that is not absolute or holds a line break is not passed on (it could
     * not be read back whole).
     */
    synchronized void removeIfKilled(List<Path> trees, List<Path> groups) {
        StringBuilder lines = new StringBuilder();
        trees.forEach(t -> line(lines, "tree", t));
        groups.forEach(g -> line(lines, "group", g));
        try {
            lifeline.write(lines.toString().getBytes(StandardCharsets.UTF_8));
            lifeline.flush();
        } catch (IOException e) {
            // the wrapper is gone: nothing is left for it to do
        }
    }

    private static void line(StringBuilder lines, String kind, Path path) {
        String text = path.toString();
        if (path.isAbsolute() && text.indexOf('\n') < 0 && text.indexOf('\r') < 0) {
            lines.append(kind).append(' ').append(text).append('\n');
        }
    }

    /**
     * Stops the server and removes its directory (the wrapper does both when its stdin closes), and waits
     * for that. What {@link #removeIfKilled} named is this JVM's to take down, and is left alone.
     */
    @Override
    public synchronized void close() {
        try {
            lifeline.write("done\n".getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // the wrapper is gone already
        }
        try {
            lifeline.close();
        } catch (IOException e) {
            // the wrapper is gone already
        }
        try {
            if (!wrapper.waitFor(10, TimeUnit.SECONDS)) {
                wrapper.descendants().forEach(ProcessHandle::destroyForcibly);
                wrapper.destroyForcibly();
                wrapper.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deleteQuietly(dir);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void deleteQuietly(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort; the wrapper deletes it too
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // best effort
        }
    }
}
