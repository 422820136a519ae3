package dev.vigil.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.config.RedisConfig;
import dev.vigil.support.SystemRedis;
import dev.vigil.support.TestCluster;
import dev.vigil.trace.Tracing;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * On a Redis Cluster one {@link Pipeline#send} writes each node's share of the batch to that node at once,
 * so a poll waits for the slowest node, not for the sum of them: the nodes work at the same time.
 */
class ClusterPipelineIT {
    /** How long each node's script keeps it busy, in microseconds. */
    private static final long BUSY_MICROS = 300_000;
    /**
     * Keeps its node busy for ARGV[1] microseconds and returns when it started and ended on the node's clock
     * (all nodes run on this machine, so the clocks are one). The iteration bound only guards against a
     * server whose TIME would not advance inside a script.
     */
    private static final String BUSY = """
            local function now() local t = redis.call('TIME') return tonumber(t[1]) * 1000000 + tonumber(t[2]) end
            local start = now()
            local i = 0
            while now() - start < tonumber(ARGV[1]) and i < 50000000 do i = i + 1 end
            return {start, now()}
            """;

    @Test
    void everyNodeWorksOnItsShareOfOneBatchAtTheSameTime() throws Exception {
        ClientResources resources = DefaultClientResources.create();
        try (TestCluster cluster = TestCluster.start()) {
            List<String> keys = oneKeyPerMaster(cluster.seed());
            assertThat(keys).as("one key on each of the three masters").hasSize(3);
            RedisEndpoint endpoint = new RedisEndpoint(new RedisConfig("main", cluster.seed(), true, List.of(cluster.seed()),
                    Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                    RedisConfig.DEFAULT_CONNECT_TIMEOUT, RedisConfig.DEFAULT_COMMAND_TIMEOUT), resources, Tracing.off());
            try {
                Pipeline pipeline = endpoint.connect().toCompletableFuture().get(20, TimeUnit.SECONDS);
                connectToEveryNode(pipeline, keys);
                List<RedisFuture<List<Long>>> busy = new ArrayList<>();
                for (String key : keys) {
                    busy.add(busy(pipeline, key));
                }
                pipeline.send(busy).get(20, TimeUnit.SECONDS);
                assertThat(overlap(busy)).as("the last node started before the first one finished").isTrue();

                // The probe tells the two apart: the same scripts sent one round trip after another do not overlap.
                List<RedisFuture<List<Long>>> oneByOne = new ArrayList<>();
                for (String key : keys) {
                    oneByOne.add(busy(pipeline, key));
                    pipeline.send(oneByOne.subList(oneByOne.size() - 1, oneByOne.size())).get(20, TimeUnit.SECONDS);
                }
                assertThat(overlap(oneByOne)).isFalse();
                pipeline.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } finally {
                endpoint.shutdown().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
        } finally {
            resources.shutdown(0, 1, TimeUnit.SECONDS);
        }
    }

    /**
     * A poll's later steps are sent from the Lettuce I/O thread that decoded the step before. Lettuce's Cluster
     * writer, given a batch, waits inside the write for any node connection not open yet; with the new connection's
     * channel on that same thread the wait never ended, and the thread, with every connection on it, hung for good
     * (a new master after a failover, between two steps of a poll). Lettuce runs at least two I/O threads (it raises
     * the one asked for here to two); the three new node connections are spread over both, so one of them is on the
     * thread that sends. The first step goes as plain commands, which open no node connection.
     */
    @Test
    void aBatchSentFromTheIoThreadOpensNodeConnectionsWithoutWaitingOnItself() throws Exception {
        ClientResources resources = DefaultClientResources.builder().ioThreadPoolSize(1).build();
        try (TestCluster cluster = TestCluster.start()) {
            List<String> keys = oneKeyPerMaster(cluster.seed());
            for (String key : keys) {
                SystemRedis.cli("-c", "-p", Integer.toString(cluster.nodes().get(0).port()), "RPUSH", key, "a", "b");
            }
            RedisEndpoint endpoint = new RedisEndpoint(new RedisConfig("main", cluster.seed(), true, List.of(cluster.seed()),
                    Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                    RedisConfig.DEFAULT_CONNECT_TIMEOUT, RedisConfig.DEFAULT_COMMAND_TIMEOUT), resources, Tracing.off());
            try {
                Pipeline pipeline = endpoint.connect().toCompletableFuture().get(20, TimeUnit.SECONDS);
                // TIME goes over the connection to the seed, opened already; its reply is decoded on an I/O thread.
                RedisFuture<List<String>> time = pipeline.commands().time();
                Batch second = new Batch();
                List<Batch.Reply<Long>> lengths = keys.stream().map(second::llen).toList();
                String[] sentFrom = new String[1];
                pipeline.send(List.of(time)).thenCompose(v -> {
                    sentFrom[0] = Thread.currentThread().getName();
                    return pipeline.send(second);
                }).get(20, TimeUnit.SECONDS);
                assertThat(time.get()).hasSize(2);
                assertThat(sentFrom[0]).as("the second batch was sent from Lettuce's I/O thread").startsWith("lettuce-");
                assertThat(lengths).extracting(Batch.Reply::value).containsExactly(2L, 2L, 2L);
                pipeline.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } finally {
                endpoint.shutdown().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
        } finally {
            resources.shutdown(0, 1, TimeUnit.SECONDS);
        }
    }

    private static RedisFuture<List<Long>> busy(Pipeline pipeline, String key) {
        return pipeline.commands().eval(BUSY, ScriptOutputType.MULTI, new String[] {key}, Long.toString(BUSY_MICROS));
    }

    /** Whether all scripts ran at one moment together: the last start comes before the first end. */
    private static boolean overlap(List<RedisFuture<List<Long>>> scripts) throws Exception {
        long lastStart = 0;
        long firstEnd = Long.MAX_VALUE;
        for (RedisFuture<List<Long>> f : scripts) {
            List<Long> startEnd = f.get();
            assertThat(startEnd.get(1) - startEnd.get(0)).as("a node busy for its time").isGreaterThanOrEqualTo(BUSY_MICROS);
            lastStart = Math.max(lastStart, startEnd.get(0));
            firstEnd = Math.min(firstEnd, startEnd.get(1));
        }
        return lastStart < firstEnd;
    }

    /**
     * The connection opens its node connections on first use, and rejects commands to a node meanwhile
     * (REJECT_COMMANDS): read each key until every node answers, as polls after the first find them.
     */
    private static void connectToEveryNode(Pipeline pipeline, List<String> keys) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            List<RedisFuture<Long>> reads = new ArrayList<>();
            keys.forEach(k -> reads.add(pipeline.commands().exists(k)));
            pipeline.send(reads).get(20, TimeUnit.SECONDS);
            if (reads.stream().noneMatch(f -> f.toCompletableFuture().isCompletedExceptionally())) {
                return;
            }
            assertThat(System.nanoTime()).as("every node connected within 20 s").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    /** A key in a slot of each master, found by asking the cluster's own slot map. */
    private static List<String> oneKeyPerMaster(String seed) {
        RedisClusterClient client = RedisClusterClient.create(seed);
        try (StatefulRedisClusterConnection<String, String> c = client.connect()) {
            Partitions partitions = c.getPartitions();
            Map<String, String> byNode = new LinkedHashMap<>();
            for (int i = 0; byNode.size() < 3 && i < 1000; i++) {
                String key = "busy-" + i;
                byNode.putIfAbsent(partitions.getPartitionBySlot(SlotHash.getSlot(key)).getNodeId(), key);
            }
            return List.copyOf(byNode.values());
        } finally {
            client.shutdown();
        }
    }
}
