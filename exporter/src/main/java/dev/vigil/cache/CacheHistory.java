package dev.vigil.cache;

import dev.vigil.config.AppCacheConfig.Stat;
import java.math.BigDecimal;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * What Vigil remembers of each cache from one poll to the next: its counters, made monotonic, and the
 * problems met so far. Polls never overlap but run on different threads, hence the synchronisation.
 */
final class CacheHistory {
    private final Map<String, Remembered> caches = new HashMap<>();

    private static final class Remembered {
        final Map<Stat, MonotonicTotal> totals = new EnumMap<>(Stat.class);
        final Map<ReadProblem, Long> errors = new EnumMap<>(ReadProblem.class);

        Remembered() {
            for (ReadProblem p : ReadProblem.values()) {
                errors.put(p, 0L);
            }
        }
    }

    synchronized CacheNumbers record(CacheReading reading) {
        Remembered r = caches.computeIfAbsent(reading.cache().id(), id -> new Remembered());
        Map<Stat, BigDecimal> values = new EnumMap<>(Stat.class);
        // The size is a gauge, as read; everything else only grows, across the application's resets.
        reading.values().forEach((stat, raw) -> values.put(stat,
                stat == Stat.SIZE ? raw : r.totals.computeIfAbsent(stat, s -> new MonotonicTotal()).next(raw)));
        reading.problems().forEach(p -> r.errors.merge(p, 1L, Long::sum));
        return new CacheNumbers(reading.cache(), values, reading.problems().isEmpty(), r.errors);
    }

    /** Forgets caches no longer read (a pattern's hash gone at the last discovery), so memory stays bounded. */
    synchronized void retain(Collection<CacheRef> current) {
        caches.keySet().retainAll(current.stream().map(CacheRef::id).toList());
    }
}
