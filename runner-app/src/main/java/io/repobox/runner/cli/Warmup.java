package io.repobox.runner.cli;

import io.repobox.redis.Redis;
import io.repobox.runner.config.RunnerConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.LoggerFactory;

/**
 * Start-up time: prepares the Redis client on the second core while the main thread does work that
 * does not need it (picocli building its model of the command line, reading the configuration, the
 * embedded Redis starting). A short command such as {@code status} spends most of its life setting
 * up Lettuce, Netty and Reactor (about 1,400 classes, the logging and the client's event loops) and
 * connecting; done here, that overlaps with the rest instead of following it. For a client command
 * whose Redis is the environment's REDIS_URL, the connection itself is opened here and handed to
 * the command's session ({@link #takeConnection}); a failure to connect is handed over the same way,
 * so the command reports it exactly as it would have.
 *
 * <p>The main thread {@link #await() waits} for the warm-up before it builds its first Redis client,
 * so the two threads never initialise the same classes at once (class initialisation that runs in
 * two threads in opposite orders can deadlock). Nothing here is needed for correctness: a failure to
 * warm up is ignored and the client then loads what it needs itself.
 */
final class Warmup {

    /** The commands that talk to Redis, and so gain from the warm-up; the others (help, agents, doctor) skip it. */
    private static final Set<String> REDIS_COMMANDS = Set.of("run", "submit", "logs", "status", "cancel", "retry", "runners");

    private static final List<String> CLASSES = List.of("io.lettuce.core.RedisClient", "io.lettuce.core.resource.DefaultClientResources",
            "io.netty.channel.nio.NioEventLoopGroup", "io.netty.bootstrap.Bootstrap", "io.lettuce.core.protocol.CommandHandler",
            "io.lettuce.core.RedisURI", "reactor.core.publisher.Mono", "reactor.core.publisher.Flux", "io.netty.buffer.PooledByteBufAllocator",
            "io.netty.channel.DefaultChannelId", "io.lettuce.core.StatefulRedisConnectionImpl", "io.lettuce.core.RedisAsyncCommandsImpl",
            "io.lettuce.core.RedisReactiveCommandsImpl");

    /** The client commands, which connect to REDIS_URL as soon as they start: the warm-up may connect for them. */
    private static final Set<String> CLIENT_COMMANDS = Set.of("submit", "logs", "status", "cancel", "retry", "runners");

    /**
     * A connection the warm-up opened to REDIS_URL while the command line was being parsed, or why it
     * could not: the session takes it over (or reports the same failure, rather than waiting for a
     * second connect timeout).
     */
    record EarlyConnection(String url, Redis redis, Redis.Connection connection, RuntimeException failure) {
    }

    /** {@code run}'s embedded server, started while the command line was being parsed, or why it could not be. */
    record EarlyServer(RunRedis server, RuntimeException failure) {
    }

    private static volatile Thread thread;
    private static final AtomicReference<EarlyConnection> EARLY = new AtomicReference<>();
    private static final AtomicReference<EarlyServer> EARLY_SERVER = new AtomicReference<>();
    private static volatile Target startedFor = Target.NONE;
    /** Completed once the warm-up has launched run's embedded server and seen it ready, or failed to, or will not. */
    private static final CompletableFuture<Void> SERVER_DECIDED = new CompletableFuture<>();

    private Warmup() {
    }

    /**
     * Starts the warm-up when {@code args} name a command that talks to Redis. For a client command
     * whose Redis is REDIS_URL of {@code environment} as it stands (no flag that could change it), it
     * also connects; for {@code run} without REDIS_URL (and no such flag) it starts the embedded
     * server and connects to it.
     */
    static void startFor(String[] args, Map<String, String> environment) {
        List<String> words = List.of(args);
        if (args.length == 0 || !REDIS_COMMANDS.contains(args[0]) || words.contains("--help") || words.contains("-h")) {
            return;
        }
        boolean flagsMayChangeRedis = words.stream().anyMatch(w -> w.startsWith("--redis") || w.startsWith("--set") || w.startsWith("-D"));
        Target target = flagsMayChangeRedis ? Target.NONE : CLIENT_COMMANDS.contains(args[0]) ? Target.REDIS_URL
                : args[0].equals("run") ? Target.EMBEDDED_UNLESS_REDIS_URL : Target.NONE;
        start(environment, target);
    }

    /** What the warm-up may connect to, read from the environment on its own thread (the configuration's classes included). */
    private enum Target { NONE, REDIS_URL, EMBEDDED_UNLESS_REDIS_URL }

    static void start() {
        start(Map.of(), Target.NONE);
    }

    private static synchronized void start(Map<String, String> environment, Target target) {
        if (thread != null) {
            return;
        }
        Thread t = new Thread(() -> run(environment, target), "repobox-warmup");
        t.setDaemon(true);
        thread = t;
        startedFor = target;
        t.start();
    }

    /** Waits for a started warm-up to end (bounded by its connect timeout); returns at once when none was started. */
    static void await() {
        Thread t = thread;
        if (t == null) {
            return;
        }
        try {
            t.join(TimeUnit.SECONDS.toMillis(15));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The connection opened for {@code url}, once; empty when none was opened for that URL (the
     * caller connects itself). Call after {@link #await()}.
     */
    static Optional<EarlyConnection> takeConnection(String url) {
        EarlyConnection taken = EARLY.getAndSet(null);
        if (taken == null) {
            return Optional.empty();
        }
        if (!taken.url().equals(url)) {
            close(taken);
            return Optional.empty();
        }
        return Optional.of(taken);
    }

    private static void close(EarlyConnection connection) {
        if (connection != null && connection.redis() != null) {
            connection.connection().close();
            connection.redis().close();
        }
    }

    /**
     * {@code run}'s embedded server when the warm-up started one, once, waiting for the server (not for
     * the connection the warm-up opens to it next) only when the warm-up was started for that; empty
     * when it was not (the command starts one itself, meanwhile).
     * A failure to start is handed over to be reported as the command would have.
     */
    static Optional<RunRedis> takeServer() {
        if (startedFor == Target.EMBEDDED_UNLESS_REDIS_URL) {
            // The server, not the connection the warm-up opens to it next; one still starting after that
            // long is left to the warm-up (discard() stops it) and the command starts its own.
            SERVER_DECIDED.completeOnTimeout(null, 15, TimeUnit.SECONDS).join();
        }
        EarlyServer taken = EARLY_SERVER.getAndSet(null);
        if (taken == null) {
            return Optional.empty();
        }
        if (taken.failure() != null) {
            throw taken.failure();
        }
        return Optional.of(taken.server());
    }

    /**
     * Stops what the warm-up started and no command took (a usage error ended the command first): an
     * embedded server, an open connection (whose event loop, left running, would hold up the JVM's
     * exit). Called before the process exits.
     */
    static void discard() {
        if (startedFor == Target.EMBEDDED_UNLESS_REDIS_URL) {
            await(); // the server may still be starting; a connect to REDIS_URL still under way is not waited for
        }
        close(EARLY.getAndSet(null));
        EarlyServer left = EARLY_SERVER.getAndSet(null);
        if (left != null && left.server() != null) {
            left.server().close();
        }
    }

    private static void run(Map<String, String> environment, Target target) {
        try {
            prepare(environment, target);
        } finally {
            SERVER_DECIDED.complete(null); // whatever happened: takeServer() must not wait for it
        }
    }

    private static void prepare(Map<String, String> environment, Target target) {
        // The configuration is read here rather than on the main thread (its classes). A client command
        // connects to REDIS_URL; run without REDIS_URL launches the embedded server first, which boots
        // while the client's classes load here. An unreadable configuration: the command says what is wrong.
        RunnerConfig config = target == Target.NONE ? null : readable(environment);
        String connectTo = config != null && target == Target.REDIS_URL ? config.redisUrlOrDefault() : null;
        RunRedis launched = config != null && target == Target.EMBEDDED_UNLESS_REDIS_URL && config.redisUrl() == null
                ? launch(environment) : null;
        try {
            LoggerFactory.getLogger(Warmup.class); // the logging set-up, which the client's first class triggers anyway
            ClassLoader loader = Warmup.class.getClassLoader();
            for (String name : CLASSES) {
                Class.forName(name, true, loader);
            }
            java.nio.channels.Selector.open().close(); // the NIO classes the event loop opens
            Redis.prepare(); // the client's resources, taken over by the first client this process makes
        } catch (Throwable ignored) {
            // only an optimisation
        }
        if (launched != null) {
            try {
                launched.awaitReady();
                EARLY_SERVER.set(new EarlyServer(launched, null));
                connectTo = launched.url();
            } catch (RuntimeException e) {
                EARLY_SERVER.set(new EarlyServer(null, e)); // the server was stopped and its directory removed
            }
        }
        SERVER_DECIDED.complete(null); // the command may take the server while the connection opens
        if (connectTo != null) {
            Redis redis;
            try {
                redis = Redis.create(connectTo, Duration.ofSeconds(10));
            } catch (RuntimeException e) {
                return; // a URL the client cannot use: the command finds that itself and says so as a usage error
            }
            try {
                EARLY.set(new EarlyConnection(connectTo, redis, redis.connect(), null));
            } catch (RuntimeException e) {
                redis.close();
                EARLY.set(new EarlyConnection(connectTo, null, null, e));
            }
        }
    }

    private static RunnerConfig readable(Map<String, String> environment) {
        try {
            return RunnerConfig.of(environment);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The embedded server, launched (not yet ready); null when it could not be, the failure handed over to the command. */
    private static RunRedis launch(Map<String, String> environment) {
        try {
            return RunRedis.launch(environment);
        } catch (RuntimeException e) {
            EARLY_SERVER.set(new EarlyServer(null, e));
            return null;
        }
    }
}
