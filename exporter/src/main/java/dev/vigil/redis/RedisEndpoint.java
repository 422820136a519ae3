package dev.vigil.redis;

import dev.vigil.config.RedisConfig;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One configured Redis: builds the Lettuce client from the config and opens connections to it.
 * Each source opens its own connection, so one source's pipeline never waits behind another's.
 */
public final class RedisEndpoint {
    private final RedisConfig config;
    private final RedisClient client;
    private final RedisURI uri;
    private final OwnLookups ownLookups;

    public RedisEndpoint(RedisConfig config, ClientResources resources) {
        this.config = config;
        this.uri = RedisURI.create(config.url());
        this.ownLookups = new OwnLookups(config.name());
        config.password().ifPresent(p -> {
            if (config.username().isPresent()) {
                uri.setAuthentication(config.username().get(), p.value());
            } else {
                uri.setAuthentication(p.value());
            }
        });
        uri.setTimeout(config.commandTimeout());
        this.client = RedisClient.create(resources, uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                // Fail fast while disconnected: a poll should report the source down, not queue up commands.
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(config.connectTimeout()).keepAlive(true).build())
                .timeoutOptions(TimeoutOptions.enabled(config.commandTimeout()))
                .build());
    }

    public String name() {
        return config.name();
    }

    public RedisConfig config() {
        return config;
    }

    /** Every source that reads this Redis counts its keyspace lookups here. */
    public OwnLookups ownLookups() {
        return ownLookups;
    }

    /** Opens a new connection; the stage fails with Lettuce's connection exception when Redis is unreachable. */
    public CompletionStage<StatefulRedisConnection<String, String>> connect() {
        try {
            return client.connectAsync(StringCodec.UTF8, uri).toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    public CompletionStage<Void> shutdown() {
        return client.shutdownAsync();
    }
}
