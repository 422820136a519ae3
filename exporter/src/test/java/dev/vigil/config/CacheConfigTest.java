package dev.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.config.AppCacheConfig.Layout;
import dev.vigil.config.AppCacheConfig.Stat;
import dev.vigil.support.ConfigFile;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CacheConfigTest {
    private static final String REDIS = """
            redis:
              main: { url: "redis://127.0.0.1:6379" }
              jobs: { url: "redis://127.0.0.1:6380" }
            """;

    @TempDir
    Path dir;

    private VigilConfig load(String yaml) throws ConfigException {
        return ConfigFile.vigil(dir).startingWith(REDIS).load(yaml);
    }

    private String error(String yaml) {
        return ConfigFile.vigil(dir).startingWith(REDIS).errorLine(yaml);
    }

    @Test
    void readsTheDocumentedExampleWithItsDefaults() throws Exception {
        CacheConfig c = load("""
                cache:
                  redis_info: [main]
                  app:
                    - name: semantic
                      redis: main
                      hash: cache:stats:semantic        # fields below are the defaults
                      fields: { hits: hits, misses: misses, evictions: evictions, size: size, saved_usd: saved_usd }
                    - name: query
                      redis: main
                      keys: { hits: "query-cache:hits", misses: "query-cache:misses" }
                    - redis: main
                      hash_pattern: "cache:*:stats"      # one cache per match, named by the * part, capped
                """).cache();
        assertThat(c.interval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.discoveryInterval()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.redisInfo()).containsExactly("main");
        Map<Stat, String> defaults = Map.of(Stat.HITS, "hits", Stat.MISSES, "misses", Stat.EVICTIONS, "evictions",
                Stat.SIZE, "size", Stat.SAVED_USD, "saved_usd");
        assertThat(c.app()).containsExactly(
                new AppCacheConfig("semantic", "", "main", Layout.HASH, "cache:stats:semantic", defaults, 100),
                new AppCacheConfig("query", "", "main", Layout.KEYS, "",
                        Map.of(Stat.HITS, "query-cache:hits", Stat.MISSES, "query-cache:misses"), 100),
                new AppCacheConfig("", "", "main", Layout.HASH_PATTERN, "cache:*:stats", defaults, 100));
        assertThat(c.sourceNames()).containsExactly("redis/main", "cache/main");
    }

    @Test
    void levelsRenamedFieldsAndBoundsAndASummaryLine() throws Exception {
        VigilConfig v = load("""
                cache:
                  interval: 30s
                  discovery_interval: 5m
                  redis_info: [main, jobs]
                  app:
                    - { name: answers, level: l1, redis: jobs, hash: "ans:l1", fields: { hits: h, saved_usd: usd } }
                    - { name: answers, level: l2, redis: jobs, hash: "ans:l2" }
                    - { redis: main, hash_pattern: "t:*:c", max_caches: 7 }
                """);
        CacheConfig c = v.cache();
        assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.discoveryInterval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.app().get(0).names()).containsEntry(Stat.HITS, "h").containsEntry(Stat.SAVED_USD, "usd").containsEntry(Stat.MISSES, "misses");
        assertThat(c.app().get(2).maxCaches()).isEqualTo(7);
        assertThat(c.appByRedis()).containsOnlyKeys("jobs", "main");
        assertThat(v.summary()).contains(
                "source redis/main: redis INFO of main, every 30s\n",
                "source cache/jobs: app caches answers (l1), answers (l2) on redis jobs, every 30s\n",
                "source cache/main: app caches hash_pattern 't:*:c' (at most 7) on redis main, every 30s\n");
    }

    @Test
    void noCacheSectionReadsNothing() throws Exception {
        assertThat(load("").cache()).isEqualTo(CacheConfig.NONE);
        assertThat(ConfigLoader.defaults().cache().sourceNames()).isEmpty();
    }

    @Test
    void mistakesAreNamedWithFileLineAndKey() throws IOException {
        assertThat(error("cache:\n  redis_info: [mian]\n"))
                .isEqualTo("vigil.yml:5: cache.redis_info: names no configured Redis connection 'mian'; known: main, jobs");
        assertThat(error("cache:\n  redis_info: [main, main]\n")).isEqualTo("vigil.yml:5: cache.redis_info: lists 'main' twice");
        assertThat(error("cache:\n  app:\n    - { name: a, hash: h }\n"))
                .isEqualTo("vigil.yml:6: cache.app[0].redis: is required when more than one Redis is configured (one of: main, jobs)");
        assertThat(error("cache:\n  app:\n    - { name: a, redis: main }\n"))
                .isEqualTo("vigil.yml:6: cache.app[0].hash: give exactly one of hash, keys or hash_pattern");
        assertThat(error("cache:\n  app:\n    - { name: a, redis: main, hash: h, keys: { hits: x, misses: y } }\n"))
                .isEqualTo("vigil.yml:6: cache.app[0].hash: give exactly one of hash, keys or hash_pattern");
        assertThat(error("cache:\n  app:\n    - { redis: main, hash: h }\n")).isEqualTo("vigil.yml:6: cache.app[0].name: is required");
        assertThat(error("cache:\n  app:\n    - { name: a, redis: main, keys: { hits: x } }\n"))
                .isEqualTo("vigil.yml:6: cache.app[0].keys.misses: is required");
        assertThat(error("cache:\n  app:\n    - { name: a, redis: main, hash: h, fields: { hit: x } }\n"))
                .isEqualTo("vigil.yml:6: cache.app[0].fields.hit: unknown key; did you mean 'hits'?");
        assertThat(error("cache:\n  app:\n    - { redis: main, hash_pattern: 'c:*:*' }\n"))
                .isEqualTo("vigil.yml:6: cache.app[0].hash_pattern: must contain exactly one *, the part that names each cache; got 'c:*:*'");
        assertThat(error("cache:\n  app:\n    - { redis: main, hash_pattern: 'c:[ab]*' }\n"))
                .isEqualTo("vigil.yml:6: cache.app[0].hash_pattern: may not contain '[': the only wildcard is one *");
        assertThat(error("cache:\n  app:\n    - { name: a, redis: main, hash_pattern: 'c:*' }\n"))
                .isEqualTo("vigil.yml:6: cache.app[0].name: a hash_pattern cache is named by the part of each key that * matches; leave name out");
        assertThat(error("cache:\n  app:\n    - { name: a, redis: main, hash: h, max_caches: 5 }\n"))
                .isEqualTo("vigil.yml:6: cache.app[0].max_caches: applies to hash_pattern only");
        assertThat(error("cache:\n  app:\n    - { redis: main, hash_pattern: 'c:*', max_caches: 0 }\n"))
                .isEqualTo("vigil.yml:6: cache.app[0].max_caches: must be between 1 and 10000, got 0");
        assertThat(error("cache:\n  app:\n    - { name: a, redis: main, hash: h }\n    - { name: a, redis: jobs, hash: g }\n"))
                .isEqualTo("vigil.yml:7: cache.app[1].name: cache 'a' is configured twice; give each its own name or level");
        assertThat(error("cache:\n  intervall: 5s\n")).isEqualTo("vigil.yml:5: cache.intervall: unknown key; did you mean 'interval'?");
        assertThat(error("bullmq:\n  - { redis: main, name: redis/main }\ncache:\n  redis_info: [main]\n"))
                .isEqualTo("vigil.yml:7: cache: source name 'redis/main' is already used by another source; rename that one");
    }

    @Test
    void everyStatIsNamedOnce() {
        assertThat(List.of(Stat.values()).stream().map(s -> s.key))
                .containsExactly("hits", "misses", "evictions", "size", "saved_usd");
    }
}
