package dev.vigil.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.support.RedisExtension;
import dev.vigil.support.RunningExporter;
import dev.vigil.support.Scrape;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Application caches keep their counters in a real Redis the way applications do (HINCRBY on a hash, INCR on
 * plain keys, HINCRBYFLOAT for money); a running Vigil exports exactly those numbers under Micrometer's names.
 */
class AppCacheIT {
    private static final String SOURCE = "cache/main";
    private static final Duration WAIT = Duration.ofSeconds(15);
    @RegisterExtension
    static final RedisExtension redis = RedisExtension.flushedBeforeEachTest();

    private static String config(String caches) {
        return """
                redis:
                  main:
                    url: %s
                cache:
                  interval: 200ms
                  discovery_interval: 200ms
                  app:
                %s""".formatted(redis.url(), caches.indent(4));
    }

    private static double gets(Scrape s, String cache, String result, String... level) {
        return s.require("cache_gets_total", levelled(level, "cache", cache, "result", result));
    }

    private static String[] levelled(String[] level, String... labels) {
        if (level.length == 0) {
            return labels;
        }
        String[] out = java.util.Arrays.copyOf(labels, labels.length + 2);
        out[labels.length] = "level";
        out[labels.length + 1] = level[0];
        return out;
    }

    @Test
    void hashesAndPlainKeysAreExportedAsTheyAreInRedis() {
        for (int i = 0; i < 85; i++) {
            redis.app().hincrby("cache:stats:semantic", "hits", 1);
        }
        redis.app().hincrby("cache:stats:semantic", "misses", 15);
        redis.app().hincrby("cache:stats:semantic", "evictions", 4);
        redis.app().hset("cache:stats:semantic", "size", "1200");
        for (String cost : new String[] {"0.0123", "0.0456", "0.1", "0.2"}) {
            redis.app().hincrbyfloat("cache:stats:semantic", "saved_usd", Double.parseDouble(cost));
        }
        redis.app().incrby("query-cache:hits", 7);
        redis.app().incrby("query-cache:misses", 3);
        redis.app().hset("app:l1", Map.of("h", "900", "m", "100"));

        try (RunningExporter vigil = RunningExporter.start(config("""
                - name: semantic
                  hash: cache:stats:semantic
                - name: query
                  keys: { hits: "query-cache:hits", misses: "query-cache:misses" }
                - name: query
                  level: l1
                  hash: app:l1
                  fields: { hits: h, misses: m }
                """))) {
            Scrape s = vigil.awaitScrape(WAIT, x -> x.value("cache_gets_total", "cache", "query", "result", "hit").isPresent());
            assertThat(gets(s, "semantic", "hit")).isEqualTo(85.0);
            assertThat(gets(s, "semantic", "miss")).isEqualTo(15.0);
            assertThat(s.require("cache_evictions_total", "cache", "semantic")).isEqualTo(4.0);
            assertThat(s.require("cache_size", "cache", "semantic")).isEqualTo(1200.0);
            // HINCRBYFLOAT kept the sum Redis' way; Vigil reports exactly what the hash holds.
            BigDecimal saved = new BigDecimal(redis.app().hget("cache:stats:semantic", "saved_usd"));
            assertThat(saved).isEqualByComparingTo("0.3579");
            assertThat(s.require("llm_cache_saved_usd_total", "cache", "semantic")).isEqualTo(0.3579);
            assertThat(gets(s, "query", "hit")).isEqualTo(7.0);
            assertThat(gets(s, "query", "miss")).isEqualTo(3.0);
            assertThat(gets(s, "query", "hit", "l1")).isEqualTo(900.0);
            assertThat(gets(s, "query", "miss", "l1")).isEqualTo(100.0);
            // Numbers the application does not keep are left out, not reported as 0.
            assertThat(s.value("cache_evictions_total", "cache", "query")).isEmpty();
            assertThat(s.value("llm_cache_saved_usd_total", "cache", "query")).isEmpty();
            assertThat(s.require("vigil_cache_up", "cache", "semantic")).isEqualTo(1.0);
            assertThat(s.require("vigil_cache_up", "cache", "query", "level", "l1")).isEqualTo(1.0);
            assertThat(s.body()).contains("# TYPE cache_gets_total counter", "# TYPE cache_size gauge",
                    "# TYPE llm_cache_saved_usd_total counter");
        }
    }

    @Test
    void aResetHashKeepsTheCounterGrowing() {
        redis.app().hset("cache:stats:semantic", Map.of("hits", "100", "misses", "40", "saved_usd", "2.50"));
        try (RunningExporter vigil = RunningExporter.start(config("""
                - name: semantic
                  hash: cache:stats:semantic
                """))) {
            vigil.awaitScrape(WAIT, x -> x.value("cache_gets_total", "cache", "semantic", "result", "hit").orElse(0.0) == 100.0);

            // The application restarts its statistics: DEL, then counts on from zero.
            redis.app().del("cache:stats:semantic");
            redis.app().hset("cache:stats:semantic", Map.of("hits", "5", "misses", "1", "saved_usd", "0.25"));
            Scrape s = vigil.awaitScrape(WAIT, x -> x.value("cache_gets_total", "cache", "semantic", "result", "hit").orElse(0.0) == 105.0);
            assertThat(gets(s, "semantic", "miss")).isEqualTo(41.0);
            assertThat(s.require("llm_cache_saved_usd_total", "cache", "semantic")).isEqualTo(2.75);

            redis.app().hincrby("cache:stats:semantic", "hits", 10);
            s = vigil.awaitScrape(WAIT, x -> x.value("cache_gets_total", "cache", "semantic", "result", "hit").orElse(0.0) == 115.0);
            assertThat(gets(s, "semantic", "miss")).isEqualTo(41.0);
        }
    }

    @Test
    void aBadValueIsReportedForItsCacheOnly() {
        redis.app().hset("cache:stats:good", Map.of("hits", "10", "misses", "2"));
        redis.app().hset("cache:stats:text", Map.of("hits", "lots", "misses", "2"));
        redis.app().hset("cache:stats:typo", Map.of("hit", "10", "misses", "2"));
        redis.app().hset("cache:stats:below", Map.of("hits", "-3", "misses", "2"));
        redis.app().set("cache:stats:string", "10");
        try (RunningExporter vigil = RunningExporter.start(config("""
                - { name: good, hash: "cache:stats:good" }
                - { name: text, hash: "cache:stats:text" }
                - { name: typo, hash: "cache:stats:typo" }
                - { name: below, hash: "cache:stats:below" }
                - { name: string, hash: "cache:stats:string" }
                - { name: absent, hash: "cache:stats:absent" }
                """))) {
            Scrape s = vigil.awaitScrape(WAIT, x -> x.value("vigil_cache_up", "cache", "absent").isPresent());
            assertThat(s.require("vigil_source_up", "source", SOURCE)).isEqualTo(1.0);
            assertThat(gets(s, "good", "hit")).isEqualTo(10.0);
            assertThat(s.require("vigil_cache_up", "cache", "good")).isEqualTo(1.0);
            Map<String, String> expected = Map.of("text", "not_a_number", "typo", "missing", "below", "negative",
                    "string", "wrong_type", "absent", "missing");
            expected.forEach((cache, reason) -> {
                assertThat(s.require("vigil_cache_up", "cache", cache)).as(cache).isEqualTo(0.0);
                assertThat(s.require("vigil_cache_read_errors_total", "cache", cache, "reason", reason)).as(cache).isGreaterThanOrEqualTo(1.0);
                assertThat(s.value("cache_gets_total", "cache", cache, "result", "hit")).as(cache).isEmpty();
            });
            // What could be read of a partly bad cache is still reported.
            assertThat(gets(s, "text", "miss")).isEqualTo(2.0);
            assertThat(s.require("vigil_cache_read_errors_total", "cache", "good", "reason", "not_a_number")).isEqualTo(0.0);

            redis.app().hset("cache:stats:text", "hits", "12");
            Scrape fixed = vigil.awaitScrape(WAIT, x -> x.value("cache_gets_total", "cache", "text", "result", "hit").isPresent());
            assertThat(gets(fixed, "text", "hit")).isEqualTo(12.0);
            assertThat(fixed.require("vigil_cache_up", "cache", "text")).isEqualTo(1.0);
        }
    }

    @Test
    void aHashPatternNamesCachesByItsStarAndReportsAtMostTheCap() {
        for (String tenant : new String[] {"e", "d", "c", "b", "a"}) {
            redis.app().hset("tenant:" + tenant + ":cache", Map.of("hits", "1", "misses", "2"));
        }
        redis.app().hset("tenant::cache", Map.of("hits", "1", "misses", "2")); // '*' matched nothing: no name, not reported
        try (RunningExporter vigil = RunningExporter.start(config("""
                - hash_pattern: "tenant:*:cache"
                  level: l2
                  max_caches: 3
                """))) {
            Scrape s = vigil.awaitScrape(WAIT, x -> x.hasFamily("vigil_cache_up"));
            assertThat(s.series().keySet().stream().filter(k -> k.startsWith("vigil_cache_up{")))
                    .containsExactly("vigil_cache_up{cache=\"a\",level=\"l2\"}", "vigil_cache_up{cache=\"b\",level=\"l2\"}",
                            "vigil_cache_up{cache=\"c\",level=\"l2\"}");
            assertThat(gets(s, "a", "miss", "l2")).isEqualTo(2.0);

            // A matched hash that goes away drops out at the next poll, without an error.
            redis.app().del("tenant:a:cache");
            Scrape after = vigil.awaitScrape(WAIT, x -> x.value("vigil_cache_up", "cache", "a", "level", "l2").isEmpty()
                    && x.value("vigil_cache_up", "cache", "d", "level", "l2").isPresent());
            assertThat(after.require("vigil_cache_up", "cache", "d", "level", "l2")).isEqualTo(1.0);
            assertThat(after.series().keySet().stream().filter(k -> k.startsWith("vigil_cache_up{"))).hasSize(3);
        }
    }
}
