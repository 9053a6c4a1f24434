package io.repobox.runner.cli;

import java.util.List;

/**
 * Start-up time: loads and initialises the Redis client's classes (Lettuce, Netty, Reactor: about
 * 1,400 of them) on a background thread while the main thread does something that waits anyway,
 * such as starting the embedded Redis. Nothing here is needed for correctness; a failure is ignored.
 */
final class Warmup {

    private static final List<String> CLASSES = List.of("io.lettuce.core.RedisClient", "io.lettuce.core.resource.DefaultClientResources",
            "io.netty.channel.nio.NioEventLoopGroup", "io.netty.bootstrap.Bootstrap", "io.lettuce.core.protocol.CommandHandler",
            "io.lettuce.core.RedisURI", "reactor.core.publisher.Mono", "reactor.core.publisher.Flux", "io.netty.buffer.PooledByteBufAllocator",
            "io.lettuce.core.api.sync.RedisCommands", "io.lettuce.core.cluster.RedisClusterClient");

    private Warmup() {
    }

    static void redisClientClasses() {
        Thread t = new Thread(() -> {
            ClassLoader loader = Warmup.class.getClassLoader();
            for (String name : CLASSES) {
                try {
                    Class.forName(name, true, loader);
                } catch (Throwable ignored) {
                    // only an optimisation
                }
            }
        }, "repobox-warmup");
        t.setDaemon(true);
        t.start();
    }
}
