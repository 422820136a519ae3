package dev.vigil.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.support.RunningExporter;
import dev.vigil.support.Scrape;
import dev.vigil.support.TestRedis;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A real Redis' INFO as Vigil exports it: the numbers INFO gives, and redis_up 0 while Redis is away. */
class RedisInfoIT {
    private static final String SOURCE = "redis/main";

    /** Vigil reading INFO once an hour: after its first poll, nothing moves the numbers it exported. */
    static String infoOncePerHour(TestRedis redis) {
        return """
                redis:
                  main:
                    url: %s
                cache:
                  interval: 1h
                  redis_info: [main]
                """.formatted(redis.url());
    }

    @Test
    void exportsWhatInfoSays() throws InterruptedException {
        try (TestRedis redis = TestRedis.start()) {
            RedisCommands<String, String> app = redis.sync();
            app.configSet("maxmemory", "104857600");
            app.set("a", "1");
            app.set("b", "2", SetArgs.Builder.ex(3600));
            app.select(3);
            app.set("c", "3");
            app.select(0);
            app.set("gone", "x", SetArgs.Builder.px(1));
            Thread.sleep(20);
            app.get("a");
            app.get("gone"); // expired: a miss, and deleted now
            try (RunningExporter vigil = RunningExporter.start(infoOncePerHour(redis))) {
                Scrape s = vigil.awaitScrape(Duration.ofSeconds(15), x -> x.value("redis_up", "redis", "main").isPresent());
                assertThat(s.require("redis_up", "redis", "main")).isEqualTo(1.0);
                for (String[] pair : new String[][] {{"redis_keyspace_hits_total", "keyspace_hits"},
                        {"redis_keyspace_misses_total", "keyspace_misses"}, {"redis_expired_keys_total", "expired_keys"},
                        {"redis_evicted_keys_total", "evicted_keys"}, {"redis_memory_max_bytes", "maxmemory"},
                        {"redis_blocked_clients", "blocked_clients"}}) {
                    assertThat(s.require(pair[0], "redis", "main")).as(pair[0]).isEqualTo(redis.info(pair[1]));
                }
                assertThat(s.require("redis_keyspace_hits_total", "redis", "main")).isEqualTo(1.0);
                assertThat(s.require("redis_keyspace_misses_total", "redis", "main")).isEqualTo(1.0);
                assertThat(s.require("redis_expired_keys_total", "redis", "main")).isEqualTo(1.0);
                assertThat(s.require("redis_memory_max_bytes", "redis", "main")).isEqualTo(104857600.0);
                assertThat(s.require("redis_db_keys", "redis", "main", "db", "db0")).isEqualTo(2.0);
                assertThat(s.require("redis_db_keys_expiring", "redis", "main", "db", "db0")).isEqualTo(1.0);
                assertThat(s.require("redis_db_keys", "redis", "main", "db", "db3")).isEqualTo(1.0);
                // Empty databases are 0, as redis_exporter reports them (16 by default).
                assertThat(s.require("redis_db_keys", "redis", "main", "db", "db15")).isEqualTo(0.0);
                assertThat(s.series().keySet().stream().filter(k -> k.startsWith("redis_db_keys{"))).hasSize(16);
                assertThat(s.require("redis_memory_used_bytes", "redis", "main")).isGreaterThan(0.0);
                assertThat(s.require("redis_connected_clients", "redis", "main")).isGreaterThanOrEqualTo(2.0);
                assertThat(s.require("redis_uptime_in_seconds", "redis", "main")).isLessThanOrEqualTo(redis.info("uptime_in_seconds"));
                assertThat(s.require("redis_commands_processed_total", "redis", "main")).isLessThan(redis.info("total_commands_processed"));
            }
        }
    }

    @Test
    void redisUpIsZeroWhileRedisIsAwayAndTheOtherNumbersAreLeftOut() {
        try (TestRedis redis = TestRedis.start()) {
            try (RunningExporter vigil = RunningExporter.start("""
                    redis:
                      main:
                        url: %s
                        connect_timeout: 500ms
                        command_timeout: 500ms
                    cache:
                      interval: 200ms
                      redis_info: [main]
                    """.formatted(redis.url()))) {
                vigil.awaitScrape(Duration.ofSeconds(10), s -> s.value("redis_up", "redis", "main").orElse(0.0) == 1.0);

                redis.stopServer();
                Scrape down = vigil.awaitScrape(Duration.ofSeconds(10), s -> s.require("vigil_source_up", "source", SOURCE) == 0.0);
                assertThat(down.require("redis_up", "redis", "main")).isEqualTo(0.0);
                assertThat(down.hasFamily("redis_keyspace_hits_total")).isFalse();
                assertThat(down.type("redis_up")).contains("gauge");

                redis.startServer();
                Scrape up = vigil.awaitScrape(Duration.ofSeconds(30), s -> s.require("redis_up", "redis", "main") == 1.0);
                assertThat(up.hasFamily("redis_keyspace_hits_total")).isTrue();
                // The restarted server has another run_id: Vigil asks its database count again (CONFIG GET
                // databases is sent once per server process, not at every poll) and reports the empty ones.
                assertThat(up.require("redis_db_keys", "redis", "main", "db", "db15")).isEqualTo(0.0);
                assertThat(up.series().keySet().stream().filter(k -> k.startsWith("redis_db_keys{"))).hasSize(16);
            }
        }
    }
}
