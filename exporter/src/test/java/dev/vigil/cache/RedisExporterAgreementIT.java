package dev.vigil.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.support.ExternalTool;
import dev.vigil.support.RunningExporter;
import dev.vigil.support.Scrape;
import dev.vigil.support.TestRedis;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Debian's prometheus-redis-exporter and Vigil read the same Redis in the same run: every series they share
 * has the same name, TYPE and labels (Vigil adds {@code redis}) and the same value, except for the numbers
 * that the two readings themselves move, which are compared against what happened between them.
 */
class RedisExporterAgreementIT {
    private static final String BINARY = "prometheus-redis-exporter";
    /** Numbers nothing moves between the two readings once the application is quiet: equal exactly. */
    private static final List<String> EQUAL = List.of("redis_up", "redis_keyspace_hits_total", "redis_keyspace_misses_total",
            "redis_evicted_keys_total", "redis_expired_keys_total", "redis_memory_max_bytes", "redis_blocked_clients",
            "redis_db_keys", "redis_db_keys_expiring");
    /** Numbers each reading moves: compared below, each against what the readings themselves added. */
    private static final List<String> MOVING = List.of("redis_connected_clients", "redis_commands_processed_total",
            "redis_uptime_in_seconds", "redis_memory_used_bytes");
    /**
     * used_memory includes every client's buffers, so redis_exporter's own connection and the INFO replies
     * move it between the readings (by about 20 KiB here); far below this.
     */
    private static final double CLIENT_BUFFERS_BYTES = 256 * 1024;

    @Test
    void sharedSeriesAgreeInNameTypeAndValue() throws Exception {
        ExternalTool.require(ExternalTool.onPath(BINARY), "Debian's " + BINARY, "apt-get install " + BINARY);
        try (TestRedis redis = TestRedis.start()) {
            applicationTraffic(redis);
            StatefulRedisConnection<String, String> blocked = redis.connect();
            blocked.async().blpop(0, "never-pushed");
            RunningExporter.sleep(100);
            redis.info("blocked_clients"); // opens the test's INFO connection before either exporter reads
            try (RunningExporter vigil = RunningExporter.start(RedisInfoIT.infoOncePerHour(redis))) {
                Scrape ours = vigil.awaitScrape(Duration.ofSeconds(15),
                        s -> s.value("vigil_source_poll_duration_seconds_count", "source", "redis/main").orElse(0.0) == 1.0);
                long commandsBefore = redis.info("total_commands_processed");
                Scrape theirs = scrapeRedisExporter(redis);
                long commandsAfter = redis.info("total_commands_processed");
                double secondsBetween = System.currentTimeMillis() / 1000.0
                        - ours.require("vigil_source_last_success_timestamp_seconds", "source", "redis/main");

                for (String family : concat(EQUAL, MOVING)) {
                    assertThat(ours.type(family)).as("TYPE of " + family).isPresent().isEqualTo(theirs.type(family));
                    assertThat(labelSets(ours, family)).as("series of " + family).isEqualTo(labelSets(theirs, family));
                }
                for (String family : EQUAL) {
                    assertThat(values(ours, family)).as(family).isEqualTo(values(theirs, family));
                }
                assertThat(one(theirs, "redis_blocked_clients")).isEqualTo(1.0);
                assertThat(one(theirs, "redis_keyspace_hits_total")).isEqualTo(2.0);

                // redis_exporter opens a connection for each scrape; Vigil's stays open: one more, exactly.
                assertThat(one(theirs, "redis_connected_clients")).isEqualTo(one(ours, "redis_connected_clients") + 1);
                // Between Vigil's INFO and the test's first, Redis ran Vigil's INFO and CONFIG GET (INFO counts
                // itself after it answers); redis_exporter read between the test's two INFOs.
                assertThat(one(ours, "redis_commands_processed_total") + 2).isEqualTo(commandsBefore);
                assertThat(one(theirs, "redis_commands_processed_total")).isGreaterThan(commandsBefore).isLessThanOrEqualTo(commandsAfter);
                assertThat(one(theirs, "redis_uptime_in_seconds") - one(ours, "redis_uptime_in_seconds"))
                        .isBetween(0.0, Math.ceil(secondsBetween) + 1);
                assertThat(one(theirs, "redis_memory_used_bytes")).isCloseTo(one(ours, "redis_memory_used_bytes"),
                        org.assertj.core.data.Offset.offset(CLIENT_BUFFERS_BYTES));
            }
            blocked.close();
        }
    }

    /** Keys in two databases, one with a TTL, one expired; two lookups that hit, one that misses. */
    private static void applicationTraffic(TestRedis redis) throws InterruptedException {
        RedisCommands<String, String> app = redis.sync();
        app.configSet("maxmemory", "104857600");
        app.mset(Map.of("user:1", "a", "user:2", "b"));
        app.set("session:1", "x", SetArgs.Builder.ex(3600));
        app.set("short", "x", SetArgs.Builder.px(1));
        app.select(2);
        app.set("other-db", "y");
        app.select(0);
        Thread.sleep(20);
        app.get("user:1");
        app.get("user:2");
        app.get("short");
    }

    private static Scrape scrapeRedisExporter(TestRedis redis) throws IOException, InterruptedException {
        int port = TestRedis.freePort();
        File log = File.createTempFile("redis-exporter", ".log");
        Process exporter = new ProcessBuilder(BINARY, "-redis.addr", redis.url(), "-web.listen-address", "127.0.0.1:" + port,
                "-redis-only-metrics").redirectErrorStream(true).redirectOutput(log).start();
        try {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(10)).build();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (true) {
                try {
                    // The first answer is its only reading of Redis: it connects to Redis per scrape.
                    return new Scrape(http.send(request, HttpResponse.BodyHandlers.ofString()).body());
                } catch (IOException notListeningYet) {
                    if (System.nanoTime() > deadline || !exporter.isAlive()) {
                        throw new AssertionError(BINARY + " did not answer; its log is " + log, notListeningYet);
                    }
                    RunningExporter.sleep(50);
                }
            }
        } finally {
            exporter.destroy();
            exporter.waitFor();
        }
    }

    /** A family's series by their labels, without Vigil's {@code redis} label. */
    private static Map<String, Double> values(Scrape s, String family) {
        Map<String, Double> out = new TreeMap<>();
        s.series().forEach((key, value) -> {
            if (key.equals(family) || key.startsWith(family + "{")) {
                String labels = key.substring(family.length()).replaceAll("redis=\"main\",?", "").replace(",}", "}");
                out.put(labels.equals("{}") ? "" : labels, value);
            }
        });
        return out;
    }

    private static Set<String> labelSets(Scrape s, String family) {
        return new TreeSet<>(values(s, family).keySet());
    }

    private static double one(Scrape s, String family) {
        return values(s, family).get("");
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
