package dev.vigil.redis;

import io.lettuce.core.RedisChannelWriter;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.StatefulRedisConnectionImpl;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.protocol.PushHandler;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;

/**
 * A Lettuce client whose connections have no synchronous API. Lettuce builds it with every connection, as a
 * proxy that maps each of some 400 command methods onto the asynchronous implementation by reflection: on a
 * 2-core machine the first connection of a process spent about 0.7 s in that (JFR: Lettuce's
 * MethodTranslator), on the way to a first poll, while Vigil only ever uses the asynchronous API.
 * {@code sync()} of these connections returns null.
 */
final class AsyncRedisClient extends RedisClient {
    AsyncRedisClient(ClientResources resources) {
        super(resources, new RedisURI());
    }

    @Override
    protected <K, V> StatefulRedisConnectionImpl<K, V> newStatefulRedisConnection(RedisChannelWriter writer, PushHandler pushHandler,
                                                                                 RedisCodec<K, V> codec, Duration timeout) {
        return new StatefulRedisConnectionImpl<>(writer, pushHandler, codec, timeout, getOptions().getJsonParser()) {
            @Override
            protected RedisCommands<K, V> newRedisSyncCommandsImpl() {
                return null;
            }
        };
    }
}
