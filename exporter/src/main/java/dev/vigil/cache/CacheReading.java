package dev.vigil.cache;

import dev.vigil.config.AppCacheConfig.Stat;
import java.math.BigDecimal;
import java.util.Map;
import java.util.Set;

/**
 * What one poll read of one cache: the numbers that could be read, and what was wrong with the others.
 * Only hits and misses are required; evictions, size and money saved are reported when present.
 */
record CacheReading(CacheRef cache, Map<Stat, BigDecimal> values, Set<ReadProblem> problems) {
    CacheReading {
        values = Map.copyOf(values);
        problems = Set.copyOf(problems);
    }
}
