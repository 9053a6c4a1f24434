package io.repobox.redis;

import io.lettuce.core.RedisChannelWriter;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.StatefulRedisConnectionImpl;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.json.JsonParser;
import io.lettuce.core.protocol.PushHandler;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import reactor.core.publisher.Mono;

/**
 * Lettuce's client, except that its connections make their synchronous API on first use instead of
 * when they open (see {@link Redis.Connection}): a connection's other APIs are unchanged, and code that
 * asks for {@code sync()} still gets it.
 */
final class LazySyncClient extends RedisClient {

    LazySyncClient(ClientResources resources, RedisURI uri) {
        super(resources, uri);
    }

    @Override
    protected <K, V> StatefulRedisConnectionImpl<K, V> newStatefulRedisConnection(RedisChannelWriter writer, PushHandler pushHandler,
                                                                                RedisCodec<K, V> codec, Duration timeout) {
        return new LazySyncConnection<>(writer, pushHandler, codec, timeout, getOptions().getJsonParser());
    }

    private static final class LazySyncConnection<K, V> extends StatefulRedisConnectionImpl<K, V> {

        private volatile RedisCommands<K, V> lazySync;

        LazySyncConnection(RedisChannelWriter writer, PushHandler pushHandler, RedisCodec<K, V> codec, Duration timeout,
                           Mono<JsonParser> parser) {
            super(writer, pushHandler, codec, timeout, parser);
        }

        @Override
        protected RedisCommands<K, V> newRedisSyncCommandsImpl() {
            return null; // called by the constructor: made in sync() instead
        }

        @Override
        public RedisCommands<K, V> sync() {
            RedisCommands<K, V> made = lazySync;
            if (made == null) {
                synchronized (this) {
                    made = lazySync;
                    if (made == null) {
                        made = super.newRedisSyncCommandsImpl();
                        lazySync = made;
                    }
                }
            }
            return made;
        }
    }
}
