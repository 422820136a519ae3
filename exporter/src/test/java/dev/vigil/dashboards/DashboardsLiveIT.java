package dev.vigil.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.support.Command;
import dev.vigil.support.MetricReference;
import dev.vigil.support.NodeWorkload;
import dev.vigil.support.OtlpReceiver;
import dev.vigil.support.PrometheusServer;
import dev.vigil.support.RunningExporter;
import dev.vigil.support.Scrape;
import dev.vigil.support.TestPostgres;
import dev.vigil.support.TestRedis;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Every query of every panel, with its variables filled in as Grafana would, returns at least one series with
 * a number from a real Prometheus (the rules of alert-rules/rules loaded, scraping every second) that scrapes
 * a real Vigil polling real BullMQ queues, PostgreSQL with a replica and pg_stat_statements, Redis INFO, an
 * application cache and pushed LLM usage, while the application keeps working. On the same run, the families
 * Vigil exports are exactly those the metric reference, docs/metrics.md, documents, and promtool's lint passes.
 */
class DashboardsLiveIT {
    private static final Duration EVERY_PANEL = Duration.ofSeconds(150);
    private static final Set<String> COMPATIBLE_NAMES = Set.of("bullmq_job_count", "pg_stat_activity_count");
    /**
     * Families of a set-up this run does not have, each checked where it is: a replica among several that split
     * the queues (ShardedReplicasIT), a web configuration file (WebConfigIT).
     */
    private static final Map<String, String> OTHER_SETUPS = Map.of(
            "vigil_shards", "ShardedReplicasIT",
            "vigil_web_config_last_reload_successful", "WebConfigIT",
            "vigil_web_config_last_reload_success_timestamp_seconds", "WebConfigIT");

    @Test
    void everyQueryOfEveryPanelReturnsSeries() throws Exception {
        PrometheusServer.requireInstalled();
        NodeWorkload.folder();
        List<String> versions = TestPostgres.versions();
        String newest = versions.get(versions.size() - 1);
        try (TestRedis redis = TestRedis.start();
             TestPostgres primary = TestPostgres.start(newest, Map.of());
             TestPostgres replica = primary.startReplica();
             LiveApplication app = LiveApplication.start(redis, primary);
             OtlpReceiver otlp = new OtlpReceiver();
             NodeWorkload queues = NodeWorkload.run("workload.mjs", "--redis", redis.url(), "--major", "5", "--prefix", "bull");
             RunningExporter vigil = RunningExporter.start(LiveApplication.vigilConfig(redis, primary, replica, otlp.httpEndpoint()));
             PrometheusServer prometheus = PrometheusServer.start(PrometheusServer.Setup.scraping(URI.create(vigil.baseUrl()).getAuthority())
                     .withRules(KnownMetrics.ruleFiles()).withExemplarStorage())) {
            app.pushUsage(vigil);
            prometheus.awaitQuery("count(vigil_source_up == 1)", Duration.ofSeconds(60), r -> count(r) == 5);
            // The first burst makes the queue and its counters; once Prometheus has them, the second moves them.
            NodeWorkload.run("throughput.mjs", "--redis", redis.url(), "--major", "5", "--queue", "orders").close();
            prometheus.awaitQuery("bullmq_jobs_completed_total{queue=\"orders\"} == 23", Duration.ofSeconds(60), r -> r.size() == 1);
            prometheus.awaitQuery("llm_unpriced_tokens_total", Duration.ofSeconds(30), r -> r.size() == 1);
            try (NodeWorkload burst = NodeWorkload.run("throughput.mjs", "--redis", redis.url(), "--major", "5", "--queue", "orders")) {
                app.pushUsage(vigil);
                app.exceedDailyBudget(vigil);
                app.keepWorking(vigil);
                prometheus.awaitQuery("bullmq_jobs_completed_total{queue=\"orders\"} == 46", Duration.ofSeconds(60), r -> r.size() == 1);

                // The overview's alert panels show what fires: the day's spend is past its budget, for real.
                prometheus.awaitQuery("ALERTS{alertname=\"LlmBudgetExceeded\",alertstate=\"firing\",period=\"day\"}",
                        Duration.ofSeconds(60), r -> r.size() == 1);

                Map<String, List<String>> expected = expectedVariables(queues.report(), app, vigil);
                List<String> checked = new ArrayList<>();
                long start = System.nanoTime();
                List<String> failed = checkEveryPanel(prometheus, expected, checked);
                checked.forEach(System.out::println);
                System.out.printf("%d queries of %d dashboards checked in %d s%n", checked.size(), Dashboard.all().size(),
                        Duration.ofNanos(System.nanoTime() - start).toSeconds());
                assertThat(failed).as("panel queries without a series with a value after " + EVERY_PANEL).isEmpty();
                assertExemplarsLinkToExportedTraces(prometheus, otlp);
                Scrape scrape = vigil.scrape();
                assertMetricReferenceMatches(scrape);
                assertPromtoolLintsClean(scrape);
                app.stopWorking();
            }
        }
    }

    /**
     * docs/metrics.md and this run agree: every family Vigil exports here is documented there, and every family
     * documented there is exported here (the run makes them all: a replica with a slot, statistics reset,
     * pg_stat_statements, a custom query, budgets, an unpriced model, cache savings), but for {@link #OTHER_SETUPS}.
     */
    private static void assertMetricReferenceMatches(Scrape scrape) {
        MetricReference reference = MetricReference.load();
        Set<String> exported = new TreeSet<>(scrape.families());
        assertThat(exported).as("the custom query's family").contains(LiveApplication.CUSTOM_QUERY + "_orders");
        exported.removeIf(family -> family.startsWith(LiveApplication.CUSTOM_QUERY + "_")); // the user's own names
        assertThat(exported.stream().filter(family -> !reference.mentions(family)).toList())
                .as("families exported on a live run that docs/metrics.md does not document").isEmpty();
        assertThat(exported).as("families of set-ups this run does not have").doesNotContainAnyElementsOf(OTHER_SETUPS.keySet());
        assertThat(reference.families()).containsAll(OTHER_SETUPS.keySet());
        assertThat(reference.families().stream().filter(family -> !exported.contains(family) && !OTHER_SETUPS.containsKey(family)).toList())
                .as("families documented in docs/metrics.md that a live run does not export").isEmpty();
        assertThat(reference.prefixes()).as("family groups documented by prefix")
                .allSatisfy(prefix -> assertThat(exported).anyMatch(family -> family.startsWith(prefix)));
    }

    /**
     * {@code promtool check metrics} finds nothing to say about the exposition, and the process families every
     * exporter has are there, so the usual exporter dashboards and alerts work on Vigil. Two gauges keep a
     * histogram's {@code _count} suffix on purpose, being the names users' dashboards and alerts already ask for:
     * {@code bullmq_job_count}, as BullMQ's own {@code exportPrometheusMetrics()} names the same numbers, and
     * {@code pg_stat_activity_count}, as postgres_exporter does.
     */
    private static void assertPromtoolLintsClean(Scrape scrape) throws IOException {
        assertThat(scrape.families()).contains("process_cpu_seconds_total", "process_resident_memory_bytes", "process_open_fds",
                "process_max_fds", "process_start_time_seconds");
        Path exposition = Files.createTempFile("vigil-metrics", ".txt");
        Files.writeString(exposition, scrape.body());
        Command.Result lint = Command.run(exposition.getParent(), Duration.ofSeconds(30), List.of("promtool", "check", "metrics"), exposition);
        assertThat(lint.output().lines().filter(line -> !COMPATIBLE_NAMES.contains(line.split(" ")[0])).toList()).as(lint.describe()).isEmpty();
        Files.delete(exposition);
    }

    /** What each variable must list: exactly what the application and Vigil's configuration made. */
    private static Map<String, List<String>> expectedVariables(JsonObject workload, LiveApplication app, RunningExporter vigil) {
        Set<String> queues = new TreeSet<>(workload.getJsonObject("queues").fieldNames());
        queues.add("orders");
        Map<String, List<String>> out = new LinkedHashMap<>();
        out.put("job", List.of("vigil"));
        out.put("instance", List.of(URI.create(vigil.baseUrl()).getAuthority()));
        out.put("prefix", List.of("bull"));
        out.put("queue", List.copyOf(queues));
        out.put("server", List.of("primary", "replica"));
        out.put("datname", app.databases());
        out.put("redis", List.of("main"));
        out.put("cache", List.of("semantic"));
        out.put("provider", LiveApplication.PROVIDERS);
        out.put("model", LiveApplication.MODELS);
        out.put("source", List.of("bullmq/main/bull", "cache/main", "postgres/primary", "postgres/replica", "redis/main"));
        return out;
    }

    /**
     * Runs every target of every panel until each returns a series with a number (not NaN), or the time is up;
     * returns the ones that never did. {@code checked} gets one line per target.
     */
    private static List<String> checkEveryPanel(PrometheusServer prometheus, Map<String, List<String>> expected, List<String> checked) {
        return checkPanels(Dashboard.all(), Set.of(), prometheus, expected, checked);
    }

    /** As {@link #checkEveryPanel}, for these dashboards, leaving out the panels titled in {@code skipped}. */
    static List<String> checkPanels(List<Dashboard> dashboards, Set<String> skipped, PrometheusServer prometheus,
                                    Map<String, List<String>> expected, List<String> checked) {
        Map<String, String> pending = new LinkedHashMap<>();
        for (Dashboard d : dashboards) {
            GrafanaVariables variables = GrafanaVariables.resolve(d, prometheus);
            variables.values().forEach((name, values) ->
                    assertThat(values).as(d.uid() + " $" + name).containsExactlyInAnyOrderElementsOf(expected.get(name)));
            for (JsonObject panel : d.dataPanels()) {
                if (skipped.contains(panel.getString("title"))) {
                    continue;
                }
                for (JsonObject t : Dashboard.targets(panel)) {
                    pending.put(d.title() + " / " + panel.getString("title") + " / " + t.getString("refId"),
                            variables.substitute(t.getString("expr")));
                }
            }
        }
        Map<String, String> last = new LinkedHashMap<>();
        long deadline = System.nanoTime() + EVERY_PANEL.toNanos();
        while (!pending.isEmpty() && System.nanoTime() < deadline) {
            for (var it = pending.entrySet().iterator(); it.hasNext(); ) {
                var e = it.next();
                JsonArray result = prometheus.query(e.getValue());
                int withValue = withNumber(result);
                if (withValue > 0) {
                    checked.add(e.getKey() + ": " + e.getValue() + " -> " + result.size() + " series");
                    it.remove();
                } else {
                    last.put(e.getKey(), result.encode());
                }
            }
            RunningExporter.sleep(1000);
        }
        return pending.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue() + " -> " + last.get(e.getKey())).toList();
    }

    /**
     * Each query shown with exemplars has some, and their trace ids are traces that reached the OTLP endpoint
     * (Vigil's poll and job traces, the application's trace continued by Vigil's HTTP span): what Jaeger would open.
     */
    private static void assertExemplarsLinkToExportedTraces(PrometheusServer prometheus, OtlpReceiver otlp) {
        int shown = 0;
        for (Dashboard d : Dashboard.all()) {
            GrafanaVariables variables = GrafanaVariables.resolve(d, prometheus);
            for (JsonObject panel : d.dataPanels()) {
                for (JsonObject t : Dashboard.targets(panel)) {
                    if (!t.getBoolean("exemplar", false)) {
                        continue;
                    }
                    String expr = variables.substitute(t.getString("expr"));
                    Set<String> traces = traceIds(prometheus.exemplars(expr, Duration.ofMinutes(10)));
                    assertThat(traces).as(d.title() + " / " + panel.getString("title") + ": exemplars of " + expr).isNotEmpty();
                    if (expr.contains("llm_cost_usd_total")) {
                        assertThat(traces).as("the pushed call's own trace").contains(LiveApplication.TRACE_ID);
                    }
                    otlp.await(Duration.ofSeconds(30), span -> traces.contains(span.traceId()));
                    System.out.println(d.title() + " / " + panel.getString("title") + ": " + traces.size() + " exemplar traces, exported");
                    shown++;
                }
            }
        }
        assertThat(shown).as("queries with exemplars").isEqualTo(4);
    }

    private static Set<String> traceIds(JsonArray exemplarData) {
        Set<String> out = new TreeSet<>();
        for (Object series : exemplarData) {
            for (Object e : ((JsonObject) series).getJsonArray("exemplars")) {
                String id = ((JsonObject) e).getJsonObject("labels").getString("trace_id");
                if (id != null) {
                    out.add(id);
                }
            }
        }
        return out;
    }

    /** Series whose value is a number: a ratio over no traffic (0/0) is NaN and proves nothing. */
    private static int withNumber(JsonArray result) {
        int n = 0;
        for (Object o : result) {
            String value = ((JsonObject) o).getJsonArray("value").getString(1);
            if (!value.equals("NaN")) {
                n++;
            }
        }
        return n;
    }

    private static int count(JsonArray result) {
        return result.isEmpty() ? 0 : (int) Double.parseDouble(result.getJsonObject(0).getJsonArray("value").getString(1));
    }
}
