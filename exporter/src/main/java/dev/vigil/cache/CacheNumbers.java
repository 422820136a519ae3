package dev.vigil.cache;

import dev.vigil.config.AppCacheConfig.Stat;
import java.math.BigDecimal;
import java.util.Map;

/**
 * One cache's numbers as exported after a poll: counters made monotonic across the application's resets,
 * the size as read, whether everything could be read, and the problems counted so far by reason.
 */
record CacheNumbers(CacheRef cache, Map<Stat, BigDecimal> values, boolean up, Map<ReadProblem, Long> errors) {
    CacheNumbers {
        values = Map.copyOf(values);
        errors = Map.copyOf(errors);
    }
}
