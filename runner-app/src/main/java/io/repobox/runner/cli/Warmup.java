package io.repobox.runner.cli;

import io.repobox.redis.Redis;
import io.repobox.runner.config.RunnerConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
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
    private static volatile EarlyConnection early;
    private static volatile EarlyServer earlyServer;

    private Warmup() {
    }

    /**
     * Starts the warm-up when {@code args} name a command that talks to Redis. For a client command
     * whose Redis is REDIS_URL of {@code environment} as it stands (no flag that could change it), it
     * also connects.
     */
    static void startFor(String[] args, Map<String, String> environment) {
        List<String> words = List.of(args);
        if (args.length == 0 || !REDIS_COMMANDS.contains(args[0]) || words.contains("--help") || words.contains("-h")) {
            return;
        }
        boolean flagsMayChangeRedis = words.stream().anyMatch(w -> w.startsWith("--redis") || w.startsWith("--set") || w.startsWith("-D"));
        String url = CLIENT_COMMANDS.contains(args[0]) && !flagsMayChangeRedis ? redisUrl(environment) : null;
        boolean embedded = args[0].equals("run") && !flagsMayChangeRedis && withoutRedisUrl(environment);
        start(url, embedded ? environment : null);
    }

    static void start() {
        start(null, null);
    }

    private static synchronized void start(String connectTo, Map<String, String> embeddedFor) {
        if (thread != null) {
            return;
        }
        Thread t = new Thread(() -> run(connectTo, embeddedFor), "repobox-warmup");
        t.setDaemon(true);
        thread = t;
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
        EarlyConnection taken;
        synchronized (Warmup.class) {
            taken = early;
            early = null;
        }
        if (taken == null) {
            return Optional.empty();
        }
        if (!taken.url().equals(url)) {
            if (taken.redis() != null) {
                taken.connection().close();
                taken.redis().close();
            }
            return Optional.empty();
        }
        return Optional.of(taken);
    }

    /**
     * {@code run}'s embedded server when the warm-up started one, once (call after {@link #await()});
     * empty when it did not (the command starts one itself). A failure to start is handed over to be
     * reported as the command would have.
     */
    static Optional<RunRedis> takeServer() {
        EarlyServer taken;
        synchronized (Warmup.class) {
            taken = earlyServer;
            earlyServer = null;
        }
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
     * embedded server, an open connection. Called before the process exits.
     */
    static void discard() {
        await();
        takeConnection("").ifPresent(unused -> { }); // closes one opened for any URL
        EarlyServer left;
        synchronized (Warmup.class) {
            left = earlyServer;
            earlyServer = null;
        }
        if (left != null && left.server() != null) {
            left.server().close();
        }
    }

    /** Whether {@code run} would start its embedded server: no REDIS_URL (false when the configuration cannot be read here). */
    private static boolean withoutRedisUrl(Map<String, String> environment) {
        try {
            return RunnerConfig.of(environment).redisUrl() == null;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** REDIS_URL as the client commands resolve it, or null when the configuration cannot be read here (the command will say why). */
    private static String redisUrl(Map<String, String> environment) {
        try {
            return RunnerConfig.of(environment).redisUrlOrDefault();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static void run(String connectTo, Map<String, String> embeddedFor) {
        if (embeddedFor != null) {
            // First: the server starts (a process and its start-up) while this thread and main go on.
            try {
                RunRedis server = RunRedis.start(embeddedFor);
                earlyServer = new EarlyServer(server, null);
                connectTo = server.url();
            } catch (RuntimeException e) {
                earlyServer = new EarlyServer(null, e);
            }
        }
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
        if (connectTo != null) {
            Redis redis;
            try {
                redis = Redis.create(connectTo, Duration.ofSeconds(10));
            } catch (RuntimeException e) {
                return; // a URL the client cannot use: the command finds that itself and says so as a usage error
            }
            try {
                early = new EarlyConnection(connectTo, redis, redis.connect(), null);
            } catch (RuntimeException e) {
                redis.close();
                early = new EarlyConnection(connectTo, null, null, e);
            }
        }
    }
}
