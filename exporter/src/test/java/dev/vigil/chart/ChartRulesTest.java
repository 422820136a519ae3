package dev.vigil.chart;

import static dev.vigil.chart.Tree.at;
import static dev.vigil.chart.Tree.list;
import static dev.vigil.chart.Tree.map;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.support.ExternalTool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/** The PrometheusRule carries alert-rules/rules/ (through the chart's copy), the ServiceMonitor scrapes the Service. */
class ChartRulesTest {
    private static final Path ALERT_RULES = ExternalTool.repoRoot().resolve("alert-rules/rules");

    private final HelmChart chart = HelmChart.vigil();

    @TempDir
    Path dir;

    @Test
    void theChartsRulesAreAnExactCopyOfAlertRules() {
        Map<String, String> source = ruleFiles(ALERT_RULES);
        Map<String, String> copy = ruleFiles(chart.dir().resolve("rules"));
        assertThat(copy.keySet()).as("rule files in charts/vigil/rules/ (run charts/sync-rules.sh)")
                .containsExactlyElementsOf(source.keySet());
        for (String name : source.keySet()) {
            assertThat(copy.get(name)).as("charts/vigil/rules/%s differs from alert-rules/rules/%s (run charts/sync-rules.sh)", name, name)
                    .isEqualTo(source.get(name));
        }
    }

    @Test
    void thePrometheusRuleHoldsExactlyTheRuleGroupsOfAlertRules() throws Exception {
        List<Object> expected = new ArrayList<>();
        for (String text : ruleFiles(ALERT_RULES).values()) {
            expected.addAll(list(new Yaml().load(text), "groups"));
        }
        Rendered r = chart.template("prometheusRule: { enabled: true }");
        if (expected.isEmpty()) {
            assertThat(r.ofKind("PrometheusRule")).as("no rule files in alert-rules/rules/, so no PrometheusRule").isEmpty();
            return;
        }
        Map<String, Object> rule = r.one("PrometheusRule");
        assertThat(at(rule, "apiVersion")).isEqualTo("monitoring.coreos.com/v1");
        List<Object> groups = list(rule, "spec.groups");
        assertThat(groups).extracting(g -> map(g).get("name"))
                .containsExactlyElementsOf(expected.stream().map(g -> map(g).get("name")).toList());
        assertThat(groups).isEqualTo(expected);
        promtoolAccepts(groups);

        // With an added alert label: every alert gets it unless it has its own, recording rules stay as they are.
        List<Object> labelled = list(chart.template(chart.file("ci/monitoring-values.yaml")).one("PrometheusRule"), "spec.groups");
        assertThat(labelled).isEqualTo(expected.stream().map(ChartRulesTest::withClusterLabel).toList());
    }

    private static Object withClusterLabel(Object group) {
        Map<String, Object> copy = new LinkedHashMap<>(map(group));
        copy.put("rules", list(group, "rules").stream().map(rule -> {
            Map<String, Object> r = new LinkedHashMap<>(map(rule));
            if (r.containsKey("alert")) {
                Map<String, Object> labels = new LinkedHashMap<>(Map.of("cluster", "prod-eu-1"));
                labels.putAll(r.containsKey("labels") ? map(r.get("labels")) : Map.of());
                r.put("labels", labels);
            }
            return (Object) r;
        }).toList());
        return copy;
    }

    @Test
    void alertsGetTheTeamsLabelsAndCanBeLeftOut() throws IOException {
        Path fixture = chartWithRules("""
                groups:
                  - name: queues
                    rules:
                      - alert: QueueBacklog
                        expr: queue:bullmq_queue_depth:sum > 1000
                        for: 10m
                        labels: { severity: page }
                        annotations:
                          summary: 'Queue {{ $labels.queue }} has {{ $value | humanize }} jobs waiting'
                      - alert: QueueStalls
                        expr: queue:bullmq_jobs_stalled:rate5m > 0
                      - record: queue:bullmq_queue_depth:sum
                        expr: sum without (state) (bullmq_job_count{state=~"waiting|prioritized"})
                """);
        Rendered r = HelmChart.at(fixture).template("""
                prometheusRule:
                  enabled: true
                  additionalAlertLabels: { cluster: prod-eu-1, severity: ticket }
                  disabled: { QueueStalls: true }
                  extraGroups:
                    - name: orders
                      rules:
                        - alert: OrdersQueueStuck
                          expr: bullmq_queue_oldest_waiting_job_age_seconds{queue="orders"} > 600
                """);
        List<Object> groups = list(r.one("PrometheusRule"), "spec.groups");
        assertThat(groups).extracting(g -> map(g).get("name")).containsExactly("queues", "orders");
        List<Object> rules = list(groups.get(0), "rules");
        assertThat(rules).extracting(x -> map(x).containsKey("alert") ? map(x).get("alert") : map(x).get("record"))
                .containsExactly("QueueBacklog", "queue:bullmq_queue_depth:sum");
        // The alert's own severity stays; the cluster label is added; Prometheus' templates pass through untouched.
        assertThat(map(rules.get(0), "labels")).isEqualTo(Map.of("severity", "page", "cluster", "prod-eu-1"));
        assertThat(at(rules.get(0), "annotations.summary")).isEqualTo("Queue {{ $labels.queue }} has {{ $value | humanize }} jobs waiting");
        assertThat(at(rules.get(0), "for")).isEqualTo("10m");
        assertThat(map(rules.get(1))).doesNotContainKey("labels");
        // Extra groups are the user's own, as written.
        assertThat(map(list(groups.get(1), "rules").get(0))).doesNotContainKey("labels");
    }

    @Test
    void theServiceMonitorScrapesTheServicesMetricsPort() {
        Rendered r = chart.template(chart.file("ci/monitoring-values.yaml"));
        Map<String, Object> service = r.one("Service");
        Map<String, Object> monitor = r.one("ServiceMonitor");
        assertThat(at(monitor, "apiVersion")).isEqualTo("monitoring.coreos.com/v1");
        assertThat(map(monitor, "metadata.labels")).containsEntry("release", "kube-prometheus-stack");
        assertThat(map(service, "metadata.labels")).containsAllEntriesOf(map(monitor, "spec.selector.matchLabels"));
        assertThat(map(monitor, "spec.selector.matchLabels")).isNotEmpty();
        assertThat(list(monitor, "spec.namespaceSelector.matchNames")).containsExactly(HelmChart.NAMESPACE);
        assertThat(at(service, "metadata.namespace")).isEqualTo(HelmChart.NAMESPACE);
        Map<String, Object> endpoint = map(list(monitor, "spec.endpoints").get(0));
        assertThat(endpoint).containsEntry("port", at(service, "spec.ports.0.name")).containsEntry("path", "/metrics")
                .containsEntry("interval", "15s").containsEntry("scrapeTimeout", "10s");
        assertThat(at(service, "spec.ports.0.name")).isEqualTo("http-metrics");

        Map<String, Object> rule = r.one("PrometheusRule");
        assertThat(map(rule, "metadata.labels")).containsEntry("release", "kube-prometheus-stack");

        Rendered elsewhere = chart.template("serviceMonitor: { enabled: true, namespace: monitoring }");
        assertThat(at(elsewhere.one("ServiceMonitor"), "metadata.namespace")).isEqualTo("monitoring");
        assertThat(list(elsewhere.one("ServiceMonitor"), "spec.namespaceSelector.matchNames")).containsExactly(HelmChart.NAMESPACE);
    }

    /** promtool check rules: what the Prometheus Operator hands Prometheus is a valid rule file. */
    private void promtoolAccepts(List<Object> groups) throws Exception {
        ExternalTool.require(ExternalTool.onPath("promtool", "--version"), "promtool", "apt-get install prometheus");
        Path file = Files.writeString(dir.resolve("prometheusrule.yml"), new Yaml().dump(Map.of("groups", groups)));
        Process p = new ProcessBuilder("promtool", "check", "rules", file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("promtool check rules:\n%s", out).isZero();
        assertThat(out).contains("SUCCESS");
    }

    /** A copy of the chart whose rules/ holds only this file. */
    private Path chartWithRules(String rules) throws IOException {
        Path copy = dir.resolve("vigil");
        try (Stream<Path> files = Files.walk(chart.dir())) {
            for (Path file : files.sorted(Comparator.naturalOrder()).toList()) {
                Path target = copy.resolve(chart.dir().relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else if (!file.getParent().endsWith("rules")) {
                    Files.copy(file, target);
                }
            }
        }
        Files.createDirectories(copy.resolve("rules"));
        Files.writeString(copy.resolve("rules/fixture.rules.yml"), rules);
        return copy;
    }

    /** The *.yml files of a folder by name, in name order (Helm's .Files.Glob order), with their text. */
    private static Map<String, String> ruleFiles(Path folder) {
        Map<String, String> files = new LinkedHashMap<>();
        if (!Files.isDirectory(folder)) {
            return files;
        }
        try (Stream<Path> list = Files.list(folder)) {
            for (Path file : list.filter(f -> f.getFileName().toString().endsWith(".yml")).sorted().toList()) {
                files.put(file.getFileName().toString(), Files.readString(file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }
}
