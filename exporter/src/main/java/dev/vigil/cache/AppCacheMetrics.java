package dev.vigil.cache;

import dev.vigil.config.AppCacheConfig.Stat;
import dev.vigil.poll.FamilyBuilder;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.math.BigDecimal;
import java.util.List;

/**
 * The application cache families, defined once, named as Micrometer's cache binders name them
 * ({@code cache_gets_total{cache,result}}, {@code cache_evictions_total}, {@code cache_size}) so dashboards
 * built for Spring caches read these too. {@code level} appears only on caches configured with one.
 */
final class AppCacheMetrics {
    private AppCacheMetrics() {
    }

    static List<MetricSnapshot> of(List<CacheNumbers> caches) {
        FamilyBuilder gets = FamilyBuilder.counter("cache_gets",
                "Lookups of the application's cache by result, from the hits and misses counters it keeps in Redis; "
                        + "monotonic across the application's resets", "cache", "level", "result");
        FamilyBuilder evictions = FamilyBuilder.counter("cache_evictions",
                "Entries the application's cache evicted, from the evictions counter it keeps in Redis", "cache", "level");
        FamilyBuilder size = FamilyBuilder.gauge("cache_size",
                "Entries in the application's cache, from the size number it keeps in Redis", "cache", "level");
        FamilyBuilder saved = FamilyBuilder.counter("llm_cache_saved_usd",
                "US dollars the cache saved by answering instead of an LLM call, from the saved_usd number the application "
                        + "keeps in Redis, summed exactly", "cache", "level");
        FamilyBuilder up = FamilyBuilder.gauge("vigil_cache_up",
                "1 when hits, misses and every other number present could be read at the last poll, else 0", "cache", "level");
        FamilyBuilder errors = FamilyBuilder.counter("vigil_cache_read_errors",
                "Polls in which a number of the cache could not be read, by reason (missing, not_a_number, negative, wrong_type)",
                "cache", "level", "reason");
        for (CacheNumbers c : caches) {
            String name = c.cache().name();
            String level = c.cache().level();
            add(gets, c, Stat.HITS, name, level, "hit");
            add(gets, c, Stat.MISSES, name, level, "miss");
            add(evictions, c, Stat.EVICTIONS, name, level);
            add(size, c, Stat.SIZE, name, level);
            add(saved, c, Stat.SAVED_USD, name, level);
            up.add(c.up() ? 1 : 0, name, level);
            c.errors().forEach((problem, n) -> errors.add(n, name, level, problem.label()));
        }
        return List.of(gets.build(), evictions.build(), size.build(), saved.build(), up.build(), errors.build());
    }

    /** Money and counts stay exact (BigDecimal) up to here; only the exposition needs a double. */
    private static void add(FamilyBuilder family, CacheNumbers c, Stat stat, String... labels) {
        BigDecimal value = c.values().get(stat);
        if (value != null) {
            family.add(value.doubleValue(), labels);
        }
    }
}
