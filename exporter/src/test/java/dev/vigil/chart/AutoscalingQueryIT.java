package dev.vigil.chart;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.support.ExternalTool;
import dev.vigil.support.PrometheusServer;
import dev.vigil.support.RunningExporter;
import dev.vigil.support.TestRedis;
import io.lettuce.core.api.sync.RedisCommands;
import io.vertx.core.json.JsonArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The queries of charts/examples/autoscaling, read from the files a user applies, against a real Prometheus
 * scraping a real Vigil over queues laid out in Redis as BullMQ 5 writes them: the backlog is waiting plus
 * prioritized, and a paused queue has none.
 */
class AutoscalingQueryIT {
    private static final Path EXAMPLES = ExternalTool.repoRoot().resolve("charts/examples/autoscaling");

    @Test
    void kedaAndPrometheusAdapterQueriesReturnTheQueuesBacklogAndNothingWhilePaused() throws IOException {
        Map<String, Object> scaledObject = Tree.map(new Yaml().load(Files.readString(EXAMPLES.resolve("keda-scaledobject.yaml"))));
        String keda = Tree.string(Tree.list(scaledObject, "spec.triggers").get(0), "metadata.query");
        Map<String, Object> adapter = Tree.map(new Yaml().load(Files.readString(EXAMPLES.resolve("prometheus-adapter-values.yaml"))));
        Map<String, Object> hpa = Tree.map(new Yaml().load(Files.readString(EXAMPLES.resolve("hpa.yaml"))));
        Map<String, Object> selector = Tree.map(Tree.list(hpa, "spec.metrics").get(0), "external.metric.selector.matchLabels");
        // The adapter puts the HPA's selector where the rule says <<.LabelMatchers>>.
        String matchers = String.join(",", selector.entrySet().stream().map(e -> e.getKey() + "=\"" + e.getValue() + "\"").sorted().toList());
        String adapterQuery = Tree.string(Tree.list(adapter, "rules.external").get(0), "metricsQuery").replace("<<.LabelMatchers>>", matchers);

        try (TestRedis redis = TestRedis.start();
             RunningExporter vigil = RunningExporter.start(RunningExporter.bullmqConfig(redis.url(), "    discovery_interval: 500ms\n"))) {
            RedisCommands<String, String> app = redis.sync();
            for (String queue : new String[] {"emails", "reports"}) {
                app.hset("bull:" + queue + ":meta", Map.of("opts.maxLenEvents", "10000", "version", "bullmq:5.81.5"));
                app.set("bull:" + queue + ":id", "100");
            }
            app.lpush("bull:emails:wait", "1", "2", "3");
            app.zadd("bull:emails:prioritized", (1L << 32) + 4, "4");
            app.zadd("bull:emails:prioritized", (2L << 32) + 5, "5");
            app.zadd("bull:emails:delayed", 1, "6");
            app.rpush("bull:emails:active", "7");
            app.lpush("bull:reports:wait", "1", "2", "3", "4");
            try (PrometheusServer prometheus = PrometheusServer.start(PrometheusServer.Setup.scraping(vigil.baseUrl().substring("http://".length())))) {
                for (String query : new String[] {keda, adapterQuery}) {
                    JsonArray backlog = prometheus.awaitQuery(query, Duration.ofSeconds(30), r -> r.size() == 1);
                    assertThat(backlog.getJsonObject(0).getJsonObject("metric").getMap())
                            .isEqualTo(Map.of("redis", "main", "prefix", "bull", "queue", "emails"));
                    assertThat(backlog.getJsonObject(0).getJsonArray("value").getString(1)).as(query).isEqualTo("5");
                }
                app.hset("bull:emails:meta", "paused", "1");
                for (String query : new String[] {keda, adapterQuery}) {
                    assertThat(prometheus.awaitQuery(query, Duration.ofSeconds(30), JsonArray::isEmpty)).as(query).isEmpty();
                }
            }
        }
    }
}
