package dev.vigil.chart;

import static dev.vigil.chart.Tree.at;
import static dev.vigil.chart.Tree.list;
import static dev.vigil.chart.Tree.map;
import static dev.vigil.chart.Tree.named;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.config.ShardConfig;
import dev.vigil.config.VigilConfig;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mode sharded: a StatefulSet of N pods that split the queues, each scraped on its own. */
class ChartShardedTest {
    private final HelmChart chart = HelmChart.vigil();

    @TempDir
    Path dir;

    @Test
    void nPodsEachReadTheirShardAndEachIsScraped() {
        Rendered r = chart.template(chart.file("ci/sharded-values.yaml"), """
                config:
                  redis: { main: { url: "redis://redis:6379" } }
                  bullmq:
                    - { redis: main }
                    - { redis: main, prefix: "{tenants}" }
                  cache: { redis_info: [main] }
                """);
        assertThat(r.kinds()).containsExactlyInAnyOrder("ServiceAccount", "ConfigMap", "Service", "StatefulSet", "ServiceMonitor");

        Map<String, Object> set = r.one("StatefulSet");
        assertThat(at(set, "metadata.name")).isEqualTo("orders-vigil");
        assertThat(at(set, "spec.replicas")).isEqualTo(3);
        assertThat(at(set, "spec.podManagementPolicy")).isEqualTo("Parallel");
        Map<String, Object> service = r.one("Service");
        assertThat(at(set, "spec.serviceName")).isEqualTo(at(service, "metadata.name"));
        assertThat(at(service, "spec.clusterIP")).as("headless: no load balancing between shards").isEqualTo("None");
        Map<String, Object> podLabels = map(set, "spec.template.metadata.labels");
        assertThat(podLabels).containsAllEntriesOf(map(set, "spec.selector.matchLabels")).containsAllEntriesOf(map(service, "spec.selector"));
        // The ServiceMonitor scrapes the Service's endpoints: every pod, on the port the Service names.
        Map<String, Object> monitor = r.one("ServiceMonitor");
        assertThat(map(service, "metadata.labels")).containsAllEntriesOf(map(monitor, "spec.selector.matchLabels"));
        assertThat(list(monitor, "spec.endpoints")).extracting(e -> map(e).get("port")).containsExactly("http-metrics");
        assertThat(list(service, "spec.ports")).extracting(p -> map(p).get("name")).containsExactly("http-metrics");

        // One ConfigMap for all pods; each pod's name gives its shard.
        Map<String, Object> podName = named(r.container("vigil").get("env"), "POD_NAME");
        assertThat(at(podName, "valueFrom.fieldRef.fieldPath")).isEqualTo("metadata.name");
        assertThat(list(r.vigilTree(), "bullmq")).extracting(b -> map(b).get("shard")).containsExactly("${POD_NAME}/3", "${POD_NAME}/3");
        for (int i = 0; i < 3; i++) {
            String pod = at(set, "metadata.name") + "-" + i;
            VigilConfig config = r.loadConfig(dir, Map.of("POD_NAME", pod)::get);
            assertThat(config.shard()).as(pod).isEqualTo(new ShardConfig(i, 3));
            assertThat(config.summary()).as(pod).contains(", shard " + i + "/3\n");
            assertThat(config.summary().contains("source redis/main")).as("%s reads Redis INFO", pod).isEqualTo(i == 0);
        }
    }

    @Test
    void replicasSetTheCountAndTheStandaloneDeploymentIsLeftOut() {
        Rendered r = chart.template("mode: sharded", "sharded: { replicas: 5 }");
        assertThat(at(r.one("StatefulSet"), "spec.replicas")).isEqualTo(5);
        assertThat(r.ofKind("Deployment")).isEmpty();
        assertThat(list(r.vigilTree(), "bullmq")).extracting(b -> map(b).get("shard")).containsExactly("${POD_NAME}/5");
        // The default values: one Deployment, a Service with a cluster IP, no shard.
        Rendered standalone = chart.template();
        assertThat(standalone.ofKind("StatefulSet")).isEmpty();
        assertThat(map(standalone.one("Service"), "spec")).doesNotContainKey("clusterIP");
        assertThat(list(standalone.vigilTree(), "bullmq")).allMatch(b -> !map(b).containsKey("shard"));
    }

    @Test
    void notesNameEachPodAndWhereLlmUsageGoes() {
        String notes = chart.installNotes("mode: sharded", """
                config:
                  redis: { main: { url: "redis://redis:6379" } }
                  bullmq: [ { redis: main } ]
                  llm: { push: { enabled: true } }
                """);
        assertThat(notes).contains("Vigil runs as 3 pods, orders-vigil-0 to orders-vigil-2")
                .contains("http://orders-vigil-0.orders-vigil.shop.svc:9740/api/v1/llm/usage")
                .contains("VigilShardMissing");
    }

    @Test
    void invalidShardingValuesFailWithWhatToDo() {
        assertThat(chart.templateError("mode: sharded", "config: { bullmq: [ { redis: main, shard: 1/3 } ] }"))
                .contains("config.bullmq.0.shard is set by the chart in mode sharded (from each pod's name and sharded.replicas): leave it out");
        assertThat(chart.templateError("mode: sharded", "config: { redis: { main: { url: 'redis://redis:6379' } }, bullmq: [] }"))
                .contains("mode sharded splits the BullMQ queues between pods, and config.bullmq is empty");
        assertThat(chart.templateError("mode: sharded", "service: { type: NodePort }"))
                .contains("mode sharded needs service.type ClusterIP");
        assertThat(chart.templateError("mode: sharded", "sharded: { replicas: 0 }")).contains("replicas").contains("minimum");
        assertThat(chart.templateError("mode: sharded", "sharded: { replica: 3 }")).contains("replica");
    }
}
