package dev.vigil.bullmq;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.support.ExternalTool;
import dev.vigil.support.NodeWorkload;
import dev.vigil.support.PrometheusServer;
import dev.vigil.support.RunningExporter;
import dev.vigil.support.TestRedis;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Three replicas with shards 0/3, 1/3 and 2/3 and one unsharded Vigil read one Redis holding real BullMQ
 * queues (e2e/bullmq/workload.mjs); a real Prometheus scrapes all four and evaluates vigil.rules.yml.
 * Summed by queue, the shards' families equal the unsharded Vigil's, no queue is read twice, and when one
 * replica stops only its queues go stale and VigilShardMissing's expression turns true.
 */
class ShardedReplicasIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Ages grow between two scrapes of different targets; every other family must be equal exactly. */
    private static final String AGE = "bullmq_queue_oldest_waiting_job_age_seconds";

    /** Two queues that throughput.mjs fills, on shards 1 and 2. */
    private static final List<String> BURSTS = List.of("orders", "exports");

    @Test
    void shardsAddUpToOneVigilAndAStoppedShardTakesOnlyItsQueues() {
        PrometheusServer.requireInstalled();
        List<RunningExporter> running = new ArrayList<>();
        try (TestRedis redis = TestRedis.start();
             NodeWorkload workload = NodeWorkload.run("workload.mjs", "--redis", redis.url(), "--major", "6", "--prefix", "bull")) {
            Set<String> queues = new TreeSet<>(workload.report().getJsonObject("queues").fieldNames());
            Set<String> workloadQueues = new TreeSet<>(queues);
            queues.addAll(BURSTS);
            Map<Integer, Set<String>> byShard = new HashMap<>();
            queues.forEach(q -> byShard.computeIfAbsent(Shard.of(new QueueRef("bull", q), 3), s -> new TreeSet<>()).add(q));
            assertThat(byShard).as("the workload's queues give every shard some").containsOnlyKeys(0, 1, 2);

            RunningExporter whole = start(running, redis, "");
            List<String> shards = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                shards.add(target(start(running, redis, "    shard: " + i + "/3\n")));
            }
            String sharded = "instance=~\"" + String.join("|", shards) + "\"";
            String unsharded = "instance=\"" + target(whole) + "\"";
            try (PrometheusServer prometheus = PrometheusServer.start(PrometheusServer.Setup
                    .scraping(target(whole), shards.get(0), shards.get(1), shards.get(2))
                    .withRules(List.of(ExternalTool.repoRoot().resolve("alert-rules/rules/vigil.rules.yml"))))) {
                prometheus.awaitQuery("count by (instance) (bullmq_queue_paused)", WAIT, r -> r.size() == 4
                        && queuesOf(prometheus, sharded).equals(workloadQueues) && queuesOf(prometheus, unsharded).equals(workloadQueues));
                // Queues new to every replica (read from the start of their events), finishing jobs while watched.
                bursts(redis);
                prometheus.awaitQuery("bullmq_jobs_completed_total{queue=~\"" + String.join("|", BURSTS) + "\"} == 23", WAIT,
                        r -> r.size() == 2 * 2);
                // The bursts' workers have gone; every replica must have polled since, or the counts differ by poll time.
                prometheus.awaitQuery("bullmq_queue_workers{queue=~\"" + String.join("|", BURSTS) + "\"} == 0", WAIT,
                        r -> r.size() == 2 * 2);

                assertThat(prometheus.query("bullmq_jobs_completed_total{queue=~\"" + String.join("|", BURSTS) + "\"}"))
                        .as("every replica saw both bursts complete").hasSize(2 * 2)
                        .allMatch(r -> ((JsonObject) r).getJsonArray("value").getString(1).equals("23"));
                assertSumsEqual(prometheus, sharded, unsharded);
                for (String q : queues) {
                    JsonArray readers = prometheus.query("bullmq_queue_paused{queue=\"" + q + "\"," + sharded + "}");
                    assertThat(readers).as("replicas reading %s", q).hasSize(1);
                    assertThat(readers.getJsonObject(0).getJsonObject("metric").getString("instance"))
                            .as("replica reading %s", q).isEqualTo(shards.get(Shard.of(new QueueRef("bull", q), 3)));
                }
                assertThat(instances(prometheus, "redis_up")).as("Redis INFO read once, by shard 0")
                        .containsExactlyInAnyOrder(target(whole), shards.get(0));
                assertThat(prometheus.value("count by (job) (group by (job, shard) (vigil_shards))")).isEqualTo(3.0);
                assertThat(prometheus.query("ALERTS{alertname=\"VigilShardMissing\"}")).isEmpty();

                running.remove(1 + 1).close(); // shard 1
                Set<String> left = new TreeSet<>(queues);
                left.removeAll(byShard.get(1));
                prometheus.awaitQuery("bullmq_queue_paused{" + sharded + "}", WAIT, r -> queueNames(r).equals(left));
                assertThat(prometheus.query("{__name__=~\"bullmq_.+\",instance=\"" + shards.get(1) + "\"}")).as("shard 1's series").isEmpty();
                assertThat(queuesOf(prometheus, unsharded)).isEqualTo(queues);
                assertThat(prometheus.value("count by (job) (group by (job, shard) (vigil_shards))")).isEqualTo(2.0);
                JsonArray alert = prometheus.awaitQuery("ALERTS{alertname=\"VigilShardMissing\"}", WAIT, r -> !r.isEmpty());
                assertThat(alert.getJsonObject(0).getJsonObject("metric").getString("alertstate")).isEqualTo("pending");
            }
        } finally {
            running.forEach(RunningExporter::close);
        }
    }

    /** 20 completed, 4 failed and 3 flaky jobs through each burst queue at once, with real workers. */
    private static void bursts(TestRedis redis) {
        List<NodeWorkload> running = new ArrayList<>();
        try {
            for (String queue : BURSTS) {
                running.add(NodeWorkload.run("throughput.mjs", "--redis", redis.url(), "--major", "6", "--queue", queue));
            }
        } finally {
            running.forEach(NodeWorkload::close);
        }
    }

    private static RunningExporter start(List<RunningExporter> running, TestRedis redis, String shardLine) {
        RunningExporter vigil = RunningExporter.start(RunningExporter.bullmqConfig(redis.url(),
                "    timeout: 2s\n    discovery_interval: 200ms\n" + shardLine) + "cache:\n  redis_info: [main]\n");
        running.add(vigil);
        return vigil;
    }

    /** Every series of every bullmq family, summed by its labels over the shards, equals the unsharded one's. */
    private static void assertSumsEqual(PrometheusServer prometheus, String sharded, String unsharded) {
        String by = "sum by (__name__, redis, prefix, queue, state, le) ({__name__=~\"bullmq_.+\",__name__!=\"" + AGE + "\",%s})";
        Map<String, Double> shards = values(prometheus.query(by.formatted(sharded)));
        Map<String, Double> whole = values(prometheus.query(by.formatted(unsharded)));
        assertThat(whole.keySet().stream().map(k -> k.substring(0, k.indexOf('{'))).collect(Collectors.toSet()))
                .as("families compared").contains("bullmq_job_count", "bullmq_queue_paused", "bullmq_queue_workers",
                        "bullmq_jobs_completed_total", "bullmq_job_wait_seconds_bucket");
        assertThat(shards).isEqualTo(whole);
        String ages = "sum by (queue) (" + AGE + "{%s})";
        Map<String, Double> shardAges = values(prometheus.query(ages.formatted(sharded)));
        values(prometheus.query(ages.formatted(unsharded))).forEach((q, age) ->
                assertThat(shardAges.get(q)).as("age %s", q).isCloseTo(age, org.assertj.core.data.Offset.offset(5.0)));
    }

    /** Each series of a query's result as {@code name{label=value, ...}} (labels sorted), with its value. */
    private static Map<String, Double> values(JsonArray result) {
        Map<String, Double> out = new TreeMap<>();
        for (Object o : result) {
            JsonObject series = (JsonObject) o;
            Map<String, Object> labels = new TreeMap<>(series.getJsonObject("metric").getMap());
            Object name = labels.remove("__name__");
            out.put((name == null ? "" : name) + labels.toString(), Double.parseDouble(series.getJsonArray("value").getString(1)));
        }
        return out;
    }

    private static Set<String> queuesOf(PrometheusServer prometheus, String instances) {
        return queueNames(prometheus.query("bullmq_queue_paused{" + instances + "}"));
    }

    private static Set<String> queueNames(JsonArray result) {
        Set<String> out = new TreeSet<>();
        result.forEach(o -> out.add(((JsonObject) o).getJsonObject("metric").getString("queue")));
        return out;
    }

    private static List<String> instances(PrometheusServer prometheus, String metric) {
        List<String> out = new ArrayList<>();
        prometheus.query(metric).forEach(o -> out.add(((JsonObject) o).getJsonObject("metric").getString("instance")));
        return out;
    }

    private static String target(RunningExporter vigil) {
        return vigil.baseUrl().substring("http://".length());
    }
}
