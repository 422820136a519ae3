package dev.vigil.bullmq;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.support.RunningExporter;
import dev.vigil.support.Scrape;
import dev.vigil.support.SystemRedis;
import dev.vigil.support.TestCluster;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Queues spread over the slots of a three-master Redis Cluster: discovery on every master, per-queue
 * commands routed to the owning node, workers counted on whichever node they are connected to.
 */
class ClusterIT {
    @Test
    void queuesOnEveryMasterAreFoundCountedAndTheirWorkersSeen() {
        try (TestCluster cluster = TestCluster.start()) {
            RedisClusterClient client = RedisClusterClient.create(cluster.seed());
            try (StatefulRedisClusterConnection<String, String> c = client.connect()) {
                RedisAdvancedClusterCommands<String, String> app = c.sync();
                // Hash tags keep each queue's keys in one slot, as BullMQ needs; different queues, different slots.
                List<String> queues = List.of("{alpha}", "{beta}", "{gamma}", "{delta}", "{epsilon}", "{zeta}");
                Set<String> owners = new HashSet<>();
                for (int i = 0; i < queues.size(); i++) {
                    String q = queues.get(i);
                    app.hset("bull:" + q + ":meta", "version", "bullmq:5.81.5");
                    for (int j = 0; j <= i; j++) {
                        app.lpush("bull:" + q + ":wait", "job-" + j);
                    }
                    app.zadd("bull:" + q + ":failed", 1, "f");
                    owners.add(c.getPartitions().getPartitionBySlot(io.lettuce.core.cluster.SlotHash.getSlot("bull:" + q + ":wait")).getNodeId());
                }
                assertThat(owners).as("queues spread over the masters").hasSizeGreaterThan(1);
                // The other way BullMQ users run on a Cluster: the hash tag in the prefix, every queue in one slot.
                for (String q : List.of("mail", "reports")) {
                    app.hset("{bull}:" + q + ":meta", "version", "bullmq:5.81.5");
                    app.lpush("{bull}:" + q + ":wait", "a", "b", "c");
                }
                app.hset("bull:{beta}:meta", "paused", "1");
                // A worker's named connection on the node that owns its queue's slot, as BullMQ opens it.
                String owner = c.getPartitions().getPartitionBySlot(io.lettuce.core.cluster.SlotHash.getSlot("bull:{gamma}:wait")).getNodeId();
                c.getConnection(owner).sync().clientSetname("bull:" + Base64.getEncoder().encodeToString("{gamma}".getBytes(StandardCharsets.UTF_8)));

                try (RunningExporter vigil = RunningExporter.start("""
                        redis:
                          main:
                            cluster: true
                            nodes: [%s, %s]
                        bullmq:
                          - redis: main
                            interval: 200ms
                          - redis: main
                            prefix: "{bull}"
                            interval: 200ms
                        """.formatted(cluster.nodes().get(0).url(), cluster.nodes().get(1).url()))) {
                    Scrape s = vigil.awaitScrape(Duration.ofSeconds(20), x -> queues.stream()
                            .allMatch(q -> x.value("bullmq_queue_paused", "redis", "main", "prefix", "bull", "queue", q).isPresent()));
                    for (int i = 0; i < queues.size(); i++) {
                        String q = queues.get(i);
                        assertThat(s.require("bullmq_job_count", "redis", "main", "prefix", "bull", "queue", q, "state", "waiting")).as(q).isEqualTo(i + 1.0);
                        assertThat(s.require("bullmq_job_count", "redis", "main", "prefix", "bull", "queue", q, "state", "failed")).as(q).isEqualTo(1.0);
                    }
                    Scrape tagged = vigil.awaitScrape(Duration.ofSeconds(20), x -> x.value("bullmq_job_count", "redis", "main", "prefix", "{bull}",
                            "queue", "reports", "state", "waiting").isPresent());
                    for (String q : List.of("mail", "reports")) {
                        assertThat(tagged.require("bullmq_job_count", "redis", "main", "prefix", "{bull}", "queue", q, "state", "waiting")).as(q).isEqualTo(3.0);
                    }
                    assertThat(s.require("bullmq_queue_paused", "redis", "main", "prefix", "bull", "queue", "{beta}")).isEqualTo(1.0);
                    assertThat(s.require("bullmq_queue_workers", "redis", "main", "prefix", "bull", "queue", "{gamma}")).isEqualTo(1.0);
                    assertThat(s.require("bullmq_queue_workers", "redis", "main", "prefix", "bull", "queue", "{alpha}")).isEqualTo(0.0);

                    app.xadd("bull:{delta}:events", "event", "completed", "jobId", "1", "prev", "active");
                    vigil.awaitScrape(Duration.ofSeconds(10), x -> x.require("bullmq_jobs_completed_total", "redis", "main", "prefix", "bull", "queue", "{delta}") == 1.0);
                }
            } finally {
                client.shutdown();
            }
        }
    }
}
