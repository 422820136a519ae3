package dev.vigil.cache;

import dev.vigil.config.AppCacheConfig;
import dev.vigil.config.CacheConfig;
import dev.vigil.poll.PollResult;
import dev.vigil.redis.Pipeline;
import dev.vigil.redis.RedisEndpoint;
import io.lettuce.core.RedisFuture;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * The application caches of one Redis whose counters the application keeps there. Reads every cache in one
 * pipelined round trip per poll (plus a SCAN per hash pattern every discovery interval); a cache whose
 * numbers cannot be read is reported on its own while the others, and the source, stay up.
 */
public final class AppCacheSource extends CacheSectionSource {
    private final List<CacheRef> configured;
    private final CachePatterns patterns;
    private final CacheHistory history = new CacheHistory();

    public AppCacheSource(CacheConfig config, List<AppCacheConfig> caches, RedisEndpoint redis, Vertx vertx) {
        super(config, redis, vertx);
        this.configured = caches.stream().filter(c -> c.layout() != AppCacheConfig.Layout.HASH_PATTERN).map(AppCacheSource::ref).toList();
        this.patterns = new CachePatterns(caches.stream().filter(c -> c.layout() == AppCacheConfig.Layout.HASH_PATTERN).toList(),
                config.discoveryInterval());
    }

    private static CacheRef ref(AppCacheConfig c) {
        return new CacheRef(c.name(), c.level(), c.layout() == AppCacheConfig.Layout.HASH ? c.key() : null, c.names(), false);
    }

    @Override
    public String name() {
        return CacheConfig.appSourceName(connection.redis().name());
    }

    @Override
    public String kind() {
        return "cache";
    }

    @Override
    public Future<PollResult> poll() {
        return connection.poll(p -> patterns.current(p).thenCompose(found -> read(p, withConfigured(found))))
                .map(numbers -> new PollResult(AppCacheMetrics.of(numbers), numbers.size() + " caches", numbers.size()));
    }

    /** Configured caches first; a cache found by a pattern under a name and level already configured is left out. */
    private List<CacheRef> withConfigured(List<CacheRef> found) {
        List<CacheRef> all = new ArrayList<>(configured);
        Set<String> ids = new HashSet<>(configured.stream().map(CacheRef::id).toList());
        found.stream().filter(c -> ids.add(c.id())).forEach(all::add);
        return all;
    }

    private CompletionStage<List<CacheNumbers>> read(Pipeline pipeline, List<CacheRef> caches) {
        List<CacheRead> reads = new ArrayList<>();
        List<RedisFuture<?>> all = new ArrayList<>();
        for (CacheRef c : caches) {
            CacheRead r = new CacheRead(c, pipeline.commands());
            reads.add(r);
            all.addAll(r.all());
        }
        return pipeline.send(all).thenApply(v -> {
            reads.forEach(r -> r.countLookups(connection.redis().ownLookups()));
            // All replies are read before any is remembered, so a poll that fails half-way changes nothing.
            List<CacheReading> readings = reads.stream().map(CacheRead::reading).flatMap(Optional::stream).toList();
            history.retain(caches);
            return readings.stream().map(history::record).toList();
        });
    }
}
