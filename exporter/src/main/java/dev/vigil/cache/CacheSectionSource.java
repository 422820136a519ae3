package dev.vigil.cache;

import dev.vigil.config.CacheConfig;
import dev.vigil.poll.Source;
import dev.vigil.redis.RedisEndpoint;
import dev.vigil.redis.SourceConnection;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;

/** What the sources configured under {@code cache:} share: that section's interval and timeout, and a connection of their own. */
abstract class CacheSectionSource implements Source {
    private final CacheConfig config;
    protected final SourceConnection connection;

    CacheSectionSource(CacheConfig config, RedisEndpoint redis, Vertx vertx) {
        this.config = config;
        this.connection = new SourceConnection(redis, vertx);
    }

    @Override
    public final Duration interval() {
        return config.interval();
    }

    @Override
    public final Duration timeout() {
        return config.timeout();
    }

    @Override
    public final Future<Void> close() {
        return connection.close();
    }
}
