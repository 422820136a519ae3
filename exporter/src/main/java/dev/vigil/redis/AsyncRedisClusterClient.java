package dev.vigil.redis;

import io.lettuce.core.RedisChannelWriter;
import io.lettuce.core.RedisURI;
import io.lettuce.core.StatefulRedisConnectionImpl;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.ClusterPushHandler;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.StatefulRedisClusterConnectionImpl;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.json.JsonParser;
import io.lettuce.core.protocol.PushHandler;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@link AsyncRedisClient}'s rule for a Cluster: neither the Cluster connection nor the connection to each node
 * (and those the topology refresh opens) gets a synchronous API, which Lettuce builds by reflection as a proxy
 * with every connection. Vigil only uses the asynchronous API; {@code sync()} of these connections returns null.
 */
final class AsyncRedisClusterClient extends RedisClusterClient {
    AsyncRedisClusterClient(ClientResources resources, List<RedisURI> seeds) {
        super(resources, seeds);
    }

    @Override
    protected <K, V> StatefulRedisConnectionImpl<K, V> newStatefulRedisConnection(RedisChannelWriter writer, PushHandler pushHandler,
                                                                                 RedisCodec<K, V> codec, Duration timeout,
                                                                                 Supplier<JsonParser> parser) {
        return new StatefulRedisConnectionImpl<>(writer, pushHandler, codec, timeout, parser) {
            @Override
            protected RedisCommands<K, V> newRedisSyncCommandsImpl() {
                return null;
            }
        };
    }

    @Override
    protected <V, K> StatefulRedisClusterConnectionImpl<K, V> newStatefulRedisClusterConnection(RedisChannelWriter writer,
                                                                                               ClusterPushHandler pushHandler,
                                                                                               RedisCodec<K, V> codec, Duration timeout,
                                                                                               Supplier<JsonParser> parser) {
        return new StatefulRedisClusterConnectionImpl<>(writer, pushHandler, codec, timeout, parser) {
            @Override
            protected RedisAdvancedClusterCommands<K, V> newRedisAdvancedClusterCommandsImpl() {
                return null;
            }
        };
    }
}
