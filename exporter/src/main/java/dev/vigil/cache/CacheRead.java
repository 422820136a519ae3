package dev.vigil.cache;

import dev.vigil.config.AppCacheConfig.Stat;
import dev.vigil.redis.OwnLookups;
import dev.vigil.redis.RedisErrors;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The reads of one cache in a poll's pipeline: one HGETALL of its hash (the whole hash: a stats hash has a
 * handful of fields, and an empty reply tells exactly that the hash is missing), or one GET per plain key.
 */
final class CacheRead {
    private final CacheRef cache;
    private final RedisFuture<Map<String, String>> hash;
    private final Map<Stat, RedisFuture<String>> keys = new EnumMap<>(Stat.class);

    CacheRead(CacheRef cache, RedisClusterAsyncCommands<String, String> redis) {
        this.cache = cache;
        this.hash = cache.hash() == null ? null : redis.hgetall(cache.hash());
        if (hash == null) {
            cache.names().forEach((stat, key) -> keys.put(stat, redis.get(key)));
        }
    }

    List<RedisFuture<?>> all() {
        List<RedisFuture<?>> out = new ArrayList<>(keys.values());
        if (hash != null) {
            out.add(hash);
        }
        return out;
    }

    void countLookups(OwnLookups lookups) {
        if (hash != null) {
            lookups.count(hash, OwnLookups.Reply.ELEMENTS);
        }
        keys.values().forEach(get -> lookups.count(get, OwnLookups.Reply.VALUE));
    }

    /** The reading, or empty when a cache found by a pattern has gone since it was found. */
    Optional<CacheReading> reading() {
        Set<ReadProblem> problems = EnumSet.noneOf(ReadProblem.class);
        Map<Stat, String> raw = hash != null ? fields(problems) : keys(problems);
        if (raw == null) {
            return Optional.empty();
        }
        Map<Stat, BigDecimal> values = new EnumMap<>(Stat.class);
        raw.forEach((stat, text) -> parse(stat, text, problems).ifPresent(v -> values.put(stat, v)));
        return Optional.of(new CacheReading(cache, values, problems));
    }

    /** Each configured field's text (null when absent); null for a pattern's hash that has gone. */
    private Map<Stat, String> fields(Set<ReadProblem> problems) {
        Map<Stat, String> raw = new EnumMap<>(Stat.class);
        if (RedisErrors.isWrongType(hash)) {
            problems.add(ReadProblem.WRONG_TYPE);
            return raw;
        }
        Map<String, String> fields = hash.toCompletableFuture().join();
        if (fields.isEmpty() && cache.discovered()) {
            return null;
        }
        cache.names().forEach((stat, field) -> raw.put(stat, fields.get(field)));
        return raw;
    }

    /** Each plain key's text (null when absent); a key of another type is left out and noted. */
    private Map<Stat, String> keys(Set<ReadProblem> problems) {
        Map<Stat, String> raw = new EnumMap<>(Stat.class);
        keys.forEach((stat, get) -> {
            if (RedisErrors.isWrongType(get)) {
                problems.add(ReadProblem.WRONG_TYPE);
            } else {
                raw.put(stat, get.toCompletableFuture().join());
            }
        });
        return raw;
    }

    /** A missing required number is a problem; a missing optional one is simply not kept by the application. */
    private static Optional<BigDecimal> parse(Stat stat, String raw, Set<ReadProblem> problems) {
        if (raw == null) {
            if (stat.required()) {
                problems.add(ReadProblem.MISSING);
            }
            return Optional.empty();
        }
        BigDecimal value;
        try {
            value = new BigDecimal(raw.trim());
        } catch (NumberFormatException e) {
            problems.add(ReadProblem.NOT_A_NUMBER);
            return Optional.empty();
        }
        if (value.signum() < 0) {
            problems.add(ReadProblem.NEGATIVE);
            return Optional.empty();
        }
        if (stat != Stat.SAVED_USD && value.stripTrailingZeros().scale() > 0) {
            problems.add(ReadProblem.NOT_A_NUMBER); // a count of hits, misses, evictions or entries is whole
            return Optional.empty();
        }
        return Optional.of(value);
    }
}
