package io.repobox.runner.cli;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * Start-up time: prepares the Redis client on the second core while the main thread does work that
 * does not need it (picocli building its model of the command line, reading the configuration, the
 * embedded Redis starting). A short command such as {@code status} spends most of its life setting
 * up Lettuce, Netty and Reactor (about 1,400 classes, the logging and the proxy class behind
 * Lettuce's synchronous API, which the JVM generates for some 400 methods); done here, that overlaps
 * with the rest instead of following it.
 *
 * <p>The main thread {@link #await() waits} for the warm-up before it builds its first Redis client,
 * so the two threads never initialise the same classes at once (class initialisation that runs in
 * two threads in opposite orders can deadlock). Nothing here is needed for correctness: a failure is
 * ignored and the client then loads what it needs itself.
 */
final class Warmup {

    /** The commands that talk to Redis, and so gain from the warm-up; the others (help, agents, doctor) skip it. */
    private static final Set<String> REDIS_COMMANDS = Set.of("run", "submit", "logs", "status", "cancel", "retry", "runners");

    private static final List<String> CLASSES = List.of("io.lettuce.core.RedisClient", "io.lettuce.core.resource.DefaultClientResources",
            "io.netty.channel.nio.NioEventLoopGroup", "io.netty.bootstrap.Bootstrap", "io.lettuce.core.protocol.CommandHandler",
            "io.lettuce.core.RedisURI", "reactor.core.publisher.Mono", "reactor.core.publisher.Flux", "io.netty.buffer.PooledByteBufAllocator",
            "io.netty.channel.DefaultChannelId", "io.lettuce.core.StatefulRedisConnectionImpl", "io.lettuce.core.RedisAsyncCommandsImpl",
            "io.lettuce.core.RedisReactiveCommandsImpl", "io.lettuce.core.FutureSyncInvocationHandler");

    private static volatile Thread thread;

    private Warmup() {
    }

    /** Starts the warm-up when {@code args} name a command that talks to Redis. */
    static void startFor(String[] args) {
        if (args.length > 0 && REDIS_COMMANDS.contains(args[0]) && !List.of(args).contains("--help")) {
            start();
        }
    }

    static synchronized void start() {
        if (thread != null) {
            return;
        }
        Thread t = new Thread(Warmup::run, "repobox-warmup");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    /** Waits (a few seconds at most) for a started warm-up to end; returns at once when none was started. */
    static void await() {
        Thread t = thread;
        if (t == null) {
            return;
        }
        try {
            t.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void run() {
        try {
            LoggerFactory.getLogger(Warmup.class); // the logging set-up, which the client's first class triggers anyway
            ClassLoader loader = Warmup.class.getClassLoader();
            for (String name : CLASSES) {
                Class.forName(name, true, loader);
            }
            // The JVM caches a proxy class by class loader and interfaces: these are the ones Lettuce
            // asks for when it makes a connection's synchronous API (StatefulRedisConnectionImpl).
            Proxy.newProxyInstance(Class.forName("io.lettuce.core.AbstractRedisClient").getClassLoader(),
                    new Class<?>[] {Class.forName("io.lettuce.core.api.sync.RedisCommands"),
                            Class.forName("io.lettuce.core.cluster.api.sync.RedisClusterCommands")},
                    (proxy, method, arguments) -> null);
        } catch (Throwable ignored) {
            // only an optimisation
        }
    }
}
