package io.repobox.output.redis;

import io.repobox.agent.process.EnvironmentPolicy;
import io.repobox.agent.process.ProcessExecution;
import io.repobox.agent.process.ProcessResult;
import io.repobox.agent.process.ProcessRunner;
import io.repobox.agent.process.ProcessSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real {@code redis-server} process on 127.0.0.1, started from the binary that the
 * {@code com.github.codemonstur:embedded-redis} artifact ships (Redis 6.2), for the tests, which never
 * rely on a server the machine happens to run. Test code only (the test-jar): {@code runner-app run}
 * has its own, hardened server ({@code RunRedis}). Runs through the process core like every other child.
 */
public final class EmbeddedRedis implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedRedis.class);
    private static final Duration STARTUP = Duration.ofSeconds(30);

    private final Path dataDir;
    private final int port;
    private final boolean persistent;
    private final List<String> extraArgs;
    private ProcessExecution process;

    private EmbeddedRedis(Path dataDir, int port, boolean persistent, List<String> extraArgs) {
        this.dataDir = dataDir;
        this.port = port;
        this.persistent = persistent;
        this.extraArgs = List.copyOf(extraArgs);
    }

    /** Starts a server on a free port that keeps nothing on disk. */
    public static EmbeddedRedis startEphemeral(Path dataDir) {
        return start(dataDir, freePort(), false, List.of());
    }

    /**
     * Starts a server on {@code port} (0: a free one) with data in {@code dataDir}. With
     * {@code persistent}, every write is appended and fsynced, so a restart keeps the data.
     */
    public static EmbeddedRedis start(Path dataDir, int port, boolean persistent, List<String> extraArgs) {
        EmbeddedRedis redis = new EmbeddedRedis(dataDir, port == 0 ? freePort() : port, persistent, extraArgs);
        redis.launch();
        return redis;
    }

    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:PORT} */
    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** The server's pid, for tests that signal it themselves. */
    public long pid() {
        return process.pid();
    }

    private void launch() {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = new ArrayList<>(List.of(binary().toString(), "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--dir", dataDir.toAbsolutePath().toString(), "--save", "",
                "--appendonly", persistent ? "yes" : "no", "--appendfsync", "always", "--daemonize", "no",
                "--logfile", "", "--loglevel", "notice"));
        command.addAll(extraArgs);
        CountDownLatch ready = new CountDownLatch(1);
        Deque<String> lastLines = new ConcurrentLinkedDeque<>();
        process = ProcessRunner.start(ProcessSpec.builder(command).name("redis-server :" + port).workingDirectory(dataDir)
                .environment(EnvironmentPolicy.secretsWithheld().inherited()).gracePeriod(Duration.ofSeconds(10)).build(), (stream, text, ts) -> {
                    lastLines.addLast(text);
                    if (lastLines.size() > 20) {
                        lastLines.pollFirst();
                    }
                    if (text.contains("Ready to accept connections")) {
                        ready.countDown();
                    }
                });
        try {
            boolean started = false;
            long deadline = System.nanoTime() + STARTUP.toNanos();
            while (!started && !process.isDone() && System.nanoTime() < deadline) {
                started = ready.await(50, TimeUnit.MILLISECONDS);
            }
            if (!started) {
                process.cancel();
                throw new IllegalStateException("redis-server on port " + port + " did not start: " + String.join(" | ", lastLines));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.cancel();
            throw new IllegalStateException("interrupted while starting redis-server", e);
        }
        log.debug("redis-server ready on port {} (pid {})", port, process.pid());
    }

    /** Stops the server cleanly (SIGTERM: it writes its data and exits) and waits for it. */
    public void stop() {
        if (process == null || process.isDone()) {
            return;
        }
        process.cancel();
        awaitEnd();
    }

    /** Kills the server with SIGKILL, as a crash would, and waits for it. */
    public void kill() {
        ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly);
        awaitEnd();
    }

    /** Starts the server again on the same port with the same data directory. */
    public void restart() {
        stop();
        launch();
    }

    private void awaitEnd() {
        try {
            ProcessResult r = process.await(Duration.ofSeconds(60)).orElseThrow(() -> new IllegalStateException("redis-server did not stop"));
            log.debug("redis-server on port {} ended: {}", port, r.describe("redis-server"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** A port free at this moment on 127.0.0.1. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The redis-server binary for this platform, extracted once from the embedded-redis jar. */
    static synchronized Path binary() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        boolean arm = arch.contains("aarch64") || arch.contains("arm64");
        String name;
        if (os.contains("linux")) {
            name = arm ? "redis-server-6.2.7-linux-arm64" : "redis-server-6.2.6-v5-linux-amd64";
        } else if (os.contains("mac")) {
            name = arm ? "redis-server-6.2.6-v5-darwin-arm64" : "redis-server-6.2.6-v5-darwin-amd64";
        } else {
            throw new IllegalStateException("no embedded redis-server for " + os + "/" + arch + "; set REDIS_URL to a Redis server");
        }
        Path target = Path.of(System.getProperty("java.io.tmpdir"), "repobox-" + name + "-" + ProcessHandle.current().info().user().orElse("user"));
        if (Files.isExecutable(target)) {
            return target;
        }
        try (InputStream in = EmbeddedRedis.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the embedded-redis jar with " + name + " is not on the classpath; set REDIS_URL");
            }
            Path tmp = Files.createTempFile(target.getParent(), "repobox-redis", ".tmp");
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx------"));
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("could not extract redis-server to " + target, e);
        }
    }
}
