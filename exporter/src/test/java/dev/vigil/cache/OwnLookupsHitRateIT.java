package dev.vigil.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.support.RunningExporter;
import dev.vigil.support.Scrape;
import dev.vigil.support.TestRedis;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The application GETs keys that exist and keys that do not while Vigil polls BullMQ queues, application
 * caches and INFO of the same Redis: Redis' keyspace_hits and keyspace_misses move by exactly the
 * application's lookups plus what vigil_redis_own_lookups_total says Vigil did, so a recording rule that
 * subtracts Vigil's share gives the application's own hit rate.
 */
class OwnLookupsHitRateIT {
    private static final List<String> SOURCES = List.of("bullmq/main/bull", "cache/main", "redis/main");

    @Test
    void keyspaceCountersMoveByTheApplicationsLookupsPlusVigilsOwn() {
        try (TestRedis redis = TestRedis.start()) {
            RedisCommands<String, String> app = redis.sync();
            layOutQueueAndCaches(app);
            app.configResetstat();

            // The application: 5 lookups that find their key, 3 that do not.
            for (String key : List.of("user:1", "user:2", "user:1", "user:3", "user:2")) {
                assertThat(app.get(key)).isNotNull();
            }
            for (String key : List.of("user:404", "user:405", "user:404")) {
                assertThat(app.get(key)).isNull();
            }

            // An hour between polls: each source polls once, then Vigil is quiet and every count is final.
            try (RunningExporter vigil = RunningExporter.start(oncePerHour(redis, CACHES))) {
                Scrape s = vigil.awaitScrape(Duration.ofSeconds(15), x -> SOURCES.stream().allMatch(
                        src -> x.value("vigil_source_poll_duration_seconds_count", "source", src).orElse(0.0) == 1.0));
                for (String src : SOURCES) {
                    assertThat(s.require("vigil_source_up", "source", src)).as(src).isEqualTo(1.0);
                }
                double ownHits = s.require("vigil_redis_own_lookups_total", "redis", "main", "result", "hit");
                double ownMisses = s.require("vigil_redis_own_lookups_total", "redis", "main", "result", "miss");

                assertThat(redis.info("keyspace_hits")).isEqualTo(5 + (long) ownHits);
                assertThat(redis.info("keyspace_misses")).isEqualTo(3 + (long) ownMisses);

                // What Vigil looked up, by hand. BullMQ queue 'emails', read at the first poll by one script call
                // (read-queues.lua), which makes the same lookups as the commands: LLEN/ZCARD of 8 states (wait and
                // completed hit, 6 miss); HGETALL meta (hit); EXISTS id (hit) and EXISTS meta-paused (miss), asked
                // only at a queue's first read (later reads of a queue with a meta hash skip these Bull 3 keys);
                // LRANGE wait tail (hit), LRANGE paused tail (miss), ZRANGE prioritized head (miss); HMGET of the job
                // next in line (hit); the end of its events stream (XINFO STREAM, in stream-ends.lua), which does not
                // exist yet (miss; the first poll only finds where the stream ends, no XREAD): 6 hits, 10 misses. Application caches: HGETALL of 'semantic' and
                // of the two pattern matches, GET of query's two keys (5 hits), HGETALL of 'ghost' (1 miss).
                // INFO, CONFIG GET, SCAN, TIME and CLIENT LIST look up no key.
                assertThat(ownHits).isEqualTo(6 + 5);
                assertThat(ownMisses).isEqualTo(10 + 1);
            }
        }
    }

    @Test
    void tailingEventsStreamsIsCountedExactlyPollAfterPoll() {
        try (TestRedis redis = TestRedis.start()) {
            RedisCommands<String, String> app = redis.sync();
            app.hset("bull:mail:meta", "version", "bullmq:5.81.5");
            app.xadd("bull:mail:events", "event", "drained");
            app.hset("bull:news:meta", "version", "bullmq:5.81.5"); // no events stream: XINFO and XREAD miss
            app.configResetstat();
            try (RunningExporter vigil = RunningExporter.start(RunningExporter.bullmqConfig(redis.url(), ""))) {
                vigil.awaitScrape(Duration.ofSeconds(10), x -> x.value("vigil_source_poll_duration_seconds_count", "source", "bullmq/main/bull").orElse(0.0) >= 3);
                app.hset("bull:mail:7", Map.of("timestamp", "1", "processedOn", "2", "finishedOn", "3"));
                app.xadd("bull:mail:events", "event", "completed", "jobId", "7", "prev", "active");
                app.xadd("bull:mail:events", "event", "completed", "jobId", "8", "prev", "active"); // hash gone: HMGET misses
                vigil.awaitScrape(Duration.ofSeconds(10), x -> x.require("bullmq_jobs_completed_total", "redis", "main", "prefix", "bull", "queue", "mail") == 2.0);
                // Between two polls, Redis' counters and Vigil's own agree exactly. The test's own connection looks
                // up nothing (HSET and XADD are writes; INFO reads no key). A poll may be in flight while we read
                // (its lookups counted by Redis, not yet by Vigil), so look for a quiet moment; a miscount never
                // agrees, however often we look.
                for (int attempt = 0; ; attempt++) {
                    Scrape before = vigil.scrape();
                    long hits = redis.info("keyspace_hits");
                    long misses = redis.info("keyspace_misses");
                    Scrape after = vigil.scrape();
                    String polls = "vigil_source_poll_duration_seconds_count";
                    double ownHits = after.require("vigil_redis_own_lookups_total", "redis", "main", "result", "hit");
                    double ownMisses = after.require("vigil_redis_own_lookups_total", "redis", "main", "result", "miss");
                    boolean quiet = before.require(polls, "source", "bullmq/main/bull") == after.require(polls, "source", "bullmq/main/bull");
                    if (quiet && ownHits == hits && ownMisses == misses) {
                        break;
                    }
                    assertThat(attempt).as("Redis counted %d hits and %d misses, Vigil %s and %s", hits, misses, ownHits, ownMisses)
                            .isLessThan(100);
                    RunningExporter.sleep(37);
                }
            }
        }
    }

    @Test
    void everyBullmqLayoutIsCountedExactly() {
        try (TestRedis redis = TestRedis.start()) {
            RedisCommands<String, String> app = redis.sync();
            // BullMQ 6 paused (meta.paused, jobs stay in wait), one of them already gone from its hash.
            app.hset("bull:v6:meta", Map.of("version", "bullmq:6.7.0", "paused", "1"));
            app.set("bull:v6:id", "3");
            app.lpush("bull:v6:wait", "2", "1");
            // BullMQ 5 with a marker at the tail of wait, a prioritized job and a delayed one.
            app.hset("bull:v5:meta", "version", "bullmq:5.1.0");
            app.lpush("bull:v5:wait", "0:1700000000000");
            app.lpush("bull:v5:wait", "7");
            app.hset("bull:v5:7", Map.of("timestamp", "1700000000000", "delay", "0"));
            app.zadd("bull:v5:prioritized", (1L << 32) + 1, "8");
            app.hset("bull:v5:8", Map.of("timestamp", "1700000000000"));
            app.zadd("bull:v5:delayed", 1, "9");
            // Bull 3 paused: no meta hash, a meta-paused key, jobs in paused.
            app.set("bull:legacy:id", "2");
            app.set("bull:legacy:meta-paused", "1");
            app.lpush("bull:legacy:paused", "1");
            app.hset("bull:legacy:1", Map.of("timestamp", "1700000000000", "delay", "60000"));
            // Not BullMQ's: 'active' is a string here (WRONGTYPE); the queue is skipped, its lookups still made.
            app.hset("bull:odd:meta", "version", "x");
            app.set("bull:odd:active", "oops");
            app.configResetstat();

            try (RunningExporter vigil = RunningExporter.start(oncePerHour(redis, ""))) {
                Scrape s = vigil.awaitScrape(Duration.ofSeconds(15),
                        x -> x.value("vigil_source_poll_duration_seconds_count", "source", "bullmq/main/bull").orElse(0.0) == 1.0);
                assertThat(s.require("bullmq_queue_paused", "redis", "main", "prefix", "bull", "queue", "legacy")).isEqualTo(1.0);
                assertThat(s.require("bullmq_queue_paused", "redis", "main", "prefix", "bull", "queue", "v6")).isEqualTo(1.0);
                assertThat(s.value("bullmq_queue_paused", "redis", "main", "prefix", "bull", "queue", "odd")).isEmpty();
                // Only Vigil looked anything up since RESETSTAT: Redis' counts are Vigil's own, exactly.
                long ownHits = (long) s.require("vigil_redis_own_lookups_total", "redis", "main", "result", "hit");
                long ownMisses = (long) s.require("vigil_redis_own_lookups_total", "redis", "main", "result", "miss");
                assertThat(ownHits).isPositive();
                assertThat(ownMisses).isPositive();
                assertThat(redis.info("keyspace_hits")).isEqualTo(ownHits);
                assertThat(redis.info("keyspace_misses")).isEqualTo(ownMisses);
            }
        }
    }

    private static void layOutQueueAndCaches(RedisCommands<String, String> app) {
        app.mset(Map.of("user:1", "a", "user:2", "b", "user:3", "c"));
        app.hset("bull:emails:meta", Map.of("opts.maxLenEvents", "10000", "version", "bullmq:5.81.5"));
        app.set("bull:emails:id", "3");
        app.lpush("bull:emails:wait", "2", "3");
        app.hset("bull:emails:2", Map.of("name", "send", "data", "{}", "timestamp", "1700000000000", "delay", "0"));
        app.zadd("bull:emails:completed", 1, "1");
        app.hset("cache:stats:semantic", Map.of("hits", "85", "misses", "15"));
        app.mset(Map.of("query-cache:hits", "7", "query-cache:misses", "3"));
        app.hset("cache:a:stats", Map.of("hits", "1", "misses", "1"));
        app.hset("cache:b:stats", Map.of("hits", "2", "misses", "2"));
    }

    private static final String CACHES = """
            cache:
              interval: 1h
              redis_info: [main]
              app:
                - name: semantic
                  hash: cache:stats:semantic
                - name: query
                  keys: { hits: "query-cache:hits", misses: "query-cache:misses" }
                - name: ghost
                  hash: cache:stats:ghost
                - hash_pattern: "cache:*:stats"
            """;

    /** BullMQ polled once an hour, plus {@code more}: after the first polls Vigil is quiet and its counts final. */
    private static String oncePerHour(TestRedis redis, String more) {
        return """
                redis:
                  main:
                    url: %s
                bullmq:
                  - redis: main
                    interval: 1h
                """.formatted(redis.url()) + more;
    }
}
