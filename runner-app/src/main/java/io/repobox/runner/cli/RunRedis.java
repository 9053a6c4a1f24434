package io.repobox.runner.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The private Redis of one {@code run} without REDIS_URL: a {@code redis-server} (from the binaries
 * the embedded-redis artifact ships) that no other local user can use or replace, and that ends with
 * this JVM however the JVM ends.
 *
 * <ul>
 *   <li>Everything lives in a fresh directory of mode 700: the binary, copied there and verified
 *       against its SHA-256 before it is executed (nothing is run from a shared, predictable path),
 *       and the configuration file with a random password (never in argv, where {@code ps} shows it).
 *   <li>The server listens on 127.0.0.1 only and refuses clients without the password.
 *   <li>It is started through a small {@code sh} wrapper in a session of its own (a terminal's
 *       Ctrl-C does not reach it). The wrapper reads its stdin, a pipe from this JVM: when the JVM
 *       exits, normally or killed, the pipe closes, and the wrapper stops the server and deletes the
 *       directory.
 * </ul>
 */
final class RunRedis implements AutoCloseable {

    /** The servers this class will execute, by resource name, and the SHA-256 of each. */
    static final Map<String, String> CHECKSUMS = Map.of(
            "redis-server-6.2.6-v5-linux-amd64", "1f716094e08a25faee2bc7626feb9e13464ed89018ac5c376c5e9cff06bdcf52",
            "redis-server-6.2.7-linux-arm64", "036a23aa65bfb31d2a048aa96c170b38c2fbd4f1de68ef0f9c3133dd4b1474cd",
            "redis-server-6.2.6-v5-darwin-amd64", "7a4eb450d90a6ce9a2c651cfc4a0613b980a270c6426cbb6fa42d6c3beec9ce8",
            "redis-server-6.2.6-v5-darwin-arm64", "c523aec5a9b6f565cff0271ef67f5c51fa83e1180e3e954ab5251b3cf6282b76");

    /** Waits for the JVM's pipe to close, then stops the server and removes the private directory. */
    private static final String WRAPPER = "trap '' INT HUP\n"
            + "\"$2\" \"$3\" &\n"
            + "pid=$!\n"
            + "trap 'kill -TERM $pid 2>/dev/null' TERM\n"
            + "cat >/dev/null\n"
            + "kill -TERM $pid 2>/dev/null\n"
            + "wait $pid\n"
            + "rm -rf \"$1\"\n";

    private static final long STARTUP_MILLIS = 30_000;

    private final Path dir;
    private final int port;
    private final String password;
    private final Process wrapper;
    private final OutputStream lifeline;

    private RunRedis(Path dir, int port, String password, Process wrapper) {
        this.dir = dir;
        this.port = port;
        this.password = password;
        this.wrapper = wrapper;
        this.lifeline = wrapper.getOutputStream();
    }

    /** Starts a server in a new private directory under the system temp directory. */
    static RunRedis start() {
        Path dir;
        try {
            dir = Files.createTempDirectory("repobox-run-redis-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a private directory for the embedded Redis; set REDIS_URL", e);
        }
        try {
            String name = resourceName();
            Path binary = install(dir, name, CHECKSUMS.get(name));
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
            redis.awaitReady();
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

    private void awaitReady() {
        CountDownLatch ready = new CountDownLatch(1);
        Deque<String> last = new ArrayDeque<>();
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

    /** Stops the server and removes its directory (the wrapper does both when its stdin closes), and waits for that. */
    @Override
    public void close() {
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

    /** Copies the server into {@code dir} and checks its SHA-256 before anything executes it. */
    static Path install(Path dir, String name, String expected) throws IOException {
        Path target = dir.resolve("redis-server");
        try (InputStream in = RunRedis.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null || expected == null) {
                throw new IllegalStateException("this build has no embedded redis-server " + name + "; set REDIS_URL to a Redis server");
            }
            Files.copy(in, target);
        }
        String actual = sha256(target);
        if (!actual.equals(expected)) {
            Files.deleteIfExists(target);
            throw new IllegalStateException("the embedded redis-server " + name + " does not match its known checksum (SHA-256 "
                    + actual + ", expected " + expected + "); it was not executed. Set REDIS_URL to a Redis server");
        }
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwx------"));
        return target;
    }

    static String sha256(Path file) throws IOException {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            try (InputStream in = Files.newInputStream(file)) {
                byte[] buffer = new byte[65536];
                int n;
                while ((n = in.read(buffer)) > 0) {
                    digest.update(buffer, 0, n);
                }
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String resourceName() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        boolean arm = arch.contains("aarch64") || arch.contains("arm64");
        if (os.contains("linux")) {
            return arm ? "redis-server-6.2.7-linux-arm64" : "redis-server-6.2.6-v5-linux-amd64";
        }
        if (os.contains("mac")) {
            return arm ? "redis-server-6.2.6-v5-darwin-arm64" : "redis-server-6.2.6-v5-darwin-amd64";
        }
        throw new IllegalStateException("there is no embedded redis-server for " + os + "/" + arch + "; set REDIS_URL to a Redis server");
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
