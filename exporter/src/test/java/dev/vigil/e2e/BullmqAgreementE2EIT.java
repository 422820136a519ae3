package dev.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.support.NodeWorkload;
import dev.vigil.support.RunningExporter;
import dev.vigil.support.Scrape;
import dev.vigil.support.TestCluster;
import dev.vigil.support.TestRedis;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real BullMQ 5, BullMQ 6 and Bull 3 producers and workers (e2e/bullmq/workload.mjs) build queues in every
 * state in a real Redis, standalone and Cluster; Vigil's numbers must equal what the library itself
 * reports for every queue and state: getJobCounts(), the worker count and isPaused().
 */
class BullmqAgreementE2EIT {

    @ParameterizedTest(name = "major {0}")
    @ValueSource(ints = {5, 6, 3})
    void standaloneRedis(int major) {
        try (TestRedis redis = TestRedis.start();
             NodeWorkload workload = NodeWorkload.run("workload.mjs", "--redis", redis.url(), "--major", Integer.toString(major), "--prefix", "bull")) {
            assertAgreement(workload.report(), major, """
                    redis:
                      main:
                        url: %s
                    """.formatted(redis.url()));
        }
    }

    @ParameterizedTest(name = "major {0}")
    @ValueSource(ints = {5, 6})
    void redisClusterWithQueuesOnSeveralSlots(int major) {
        try (TestCluster cluster = TestCluster.start();
             NodeWorkload workload = NodeWorkload.run("workload.mjs", "--redis", cluster.seed(), "--cluster", "--major", Integer.toString(major), "--prefix", "bull")) {
            assertAgreement(workload.report(), major, """
                    redis:
                      main:
                        cluster: true
                        nodes: [%s]
                    """.formatted(cluster.seed()));
        }
    }

    private static void assertAgreement(JsonObject report, int major, String redisYaml) {
        JsonObject reported = report.getJsonObject("queues");
        assertThat(reported.fieldNames()).as("queues the workload made").isNotEmpty();
        try (RunningExporter vigil = RunningExporter.start(redisYaml + """
                bullmq:
                  - redis: main
                    prefix: bull
                    interval: 200ms
                    timeout: 2s
                """)) {
            Scrape s = vigil.awaitScrape(Duration.ofSeconds(30), x -> reported.fieldNames().stream()
                    .allMatch(q -> x.value("bullmq_queue_paused", "redis", "main", "prefix", "bull", "queue", q).isPresent()));
            for (String queue : reported.fieldNames()) {
                assertQueue(s, queue, reported.getJsonObject(queue), major);
            }
        }
    }

    private static void assertQueue(Scrape s, String queue, JsonObject library, int major) {
        JsonObject counts = library.getJsonObject("counts");
        for (String state : JobCounts.STATES) {
            double vigil = JobCounts.reported(s, queue, state);
            // States the library's getJobCounts() leaves out (paused in BullMQ 6; prioritized and
            // waiting-children in Bull 3) have no keys, so Vigil reports 0 for them.
            long expected = counts.containsKey(state) ? counts.getLong(state) : 0;
            assertThat(vigil).as("BullMQ %d queue %s state %s", major, queue, state).isEqualTo((double) expected);
        }
        for (Map.Entry<String, Object> e : counts) {
            assertThat(JobCounts.STATES).as("state %s reported by the library", e.getKey()).contains(e.getKey());
        }
        assertThat(s.require("bullmq_queue_workers", "redis", "main", "prefix", "bull", "queue", queue))
                .as("workers of %s", queue).isEqualTo(library.getInteger("workers").doubleValue());
        assertThat(s.require("bullmq_queue_paused", "redis", "main", "prefix", "bull", "queue", queue))
                .as("paused %s", queue).isEqualTo(library.getBoolean("paused") ? 1.0 : 0.0);
    }
}
