package dev.vigil.support;

import java.util.ArrayList;
import java.util.List;

/** A Redis Cluster of three masters on loopback, built from Debian's redis-server. */
public final class TestCluster implements AutoCloseable {
    private final List<SystemRedis> nodes;

    private TestCluster(List<SystemRedis> nodes) {
        this.nodes = nodes;
    }

    public static TestCluster start() {
        List<SystemRedis> nodes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            nodes.add(SystemRedis.start("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                    "--cluster-node-timeout", "2000"));
        }
        List<String> create = new ArrayList<>(List.of("--cluster", "create"));
        nodes.forEach(n -> create.add("127.0.0.1:" + n.port()));
        create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
        SystemRedis.cli(create.toArray(String[]::new));
        TestCluster cluster = new TestCluster(nodes);
        cluster.awaitOk();
        return cluster;
    }

    private void awaitOk() {
        for (SystemRedis n : nodes) {
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (!SystemRedis.cli("-p", Integer.toString(n.port()), "CLUSTER", "INFO").contains("cluster_state:ok")) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("cluster did not become ok on port " + n.port());
                }
                RunningExporter.sleep(100);
            }
        }
    }

    public List<SystemRedis> nodes() {
        return nodes;
    }

    public String seed() {
        return nodes.get(0).url();
    }

    @Override
    public void close() {
        nodes.forEach(SystemRedis::close);
    }
}
