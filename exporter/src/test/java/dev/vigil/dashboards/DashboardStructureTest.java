package dev.vigil.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * What Grafana's import and file provisioning need of every file in grafana-dashboards/, and what keeps the
 * dashboards honest without a server: each query names only series Vigil exports or alert-rules records,
 * through the datasource variable, with its variables defined.
 */
class DashboardStructureTest {
    static final JsonObject DATASOURCE = new JsonObject().put("type", "prometheus").put("uid", "${datasource}");
    private static final List<String> UIDS = List.of("vigil-caches", "vigil-exporter", "vigil-llm-spend", "vigil-overview",
            "vigil-postgres", "vigil-queues");
    /** Variables Grafana defines itself. */
    private static final Set<String> BUILT_IN = Set.of("__rate_interval", "__interval", "__range", "__from", "__to",
            "__url_time_range", "__all_variables");
    /** Histograms whose buckets carry trace exemplars (docs/configuration.md, "Exemplars"). */
    private static final List<String> EXEMPLAR_HISTOGRAMS = List.of("bullmq_job_wait_seconds_bucket",
            "bullmq_job_processing_seconds_bucket", "vigil_source_poll_duration_seconds_bucket");

    private final List<Dashboard> dashboards = Dashboard.all();

    @Test
    void sixDashboardsWithStableUidsNamedAfterTheirFiles() {
        assertThat(dashboards).extracting(Dashboard::uid).containsExactlyElementsOf(UIDS);
        for (Dashboard d : dashboards) {
            assertThat(d.file().getFileName()).hasToString(d.uid() + ".json");
            assertThat(d.json().getInteger("schemaVersion")).as(d.uid()).isGreaterThanOrEqualTo(39);
            assertThat(d.json().getValue("id")).as(d.uid() + ": an exported dashboard has no database id").isNull();
        }
        assertThat(dashboards.stream().map(Dashboard::title).distinct()).hasSameSizeAs(dashboards);
    }

    @Test
    void importInputsAndRequirementsMatchWhatTheDashboardUses() {
        for (Dashboard d : dashboards) {
            JsonArray inputs = d.json().getJsonArray("__inputs");
            assertThat(inputs).as(d.uid() + " __inputs").hasSize(1);
            JsonObject input = inputs.getJsonObject(0);
            assertThat(input.getString("name")).isEqualTo("DS_PROMETHEUS");
            assertThat(input.getString("type")).isEqualTo("datasource");
            assertThat(input.getString("pluginId")).isEqualTo("prometheus");

            Set<String> required = new TreeSet<>();
            d.json().getJsonArray("__requires").forEach(r -> required.add(((JsonObject) r).getString("type") + ":"
                    + ((JsonObject) r).getString("id")));
            Set<String> expected = new TreeSet<>(Set.of("grafana:grafana", "datasource:prometheus"));
            d.dataPanels().forEach(p -> expected.add("panel:" + p.getString("type")));
            assertThat(required).as(d.uid() + " __requires").isEqualTo(expected);

            JsonObject ds = d.variable("datasource").orElseThrow(() -> new AssertionError(d.uid() + ": no datasource variable"));
            assertThat(ds.getString("type")).isEqualTo("datasource");
            assertThat(ds.getString("query")).isEqualTo("prometheus");
            // The import input is used once: as the variable's initial choice (provisioned copies pick the default).
            assertThat(ds.getJsonObject("current").getString("value")).isEqualTo("${DS_PROMETHEUS}");
            assertThat(occurrences(d.json().encode(), "${DS_PROMETHEUS}")).as(d.uid()).isEqualTo(1);
        }
    }

    @Test
    void everyPanelAndTargetGoesThroughTheDatasourceVariable() {
        for (Dashboard d : dashboards) {
            for (JsonObject p : d.dataPanels()) {
                String where = d.uid() + " / " + p.getString("title");
                assertThat(p.getJsonObject("datasource")).as(where).isEqualTo(DATASOURCE);
                List<JsonObject> targets = Dashboard.targets(p);
                assertThat(targets).as(where + ": targets").isNotEmpty();
                assertThat(targets.stream().map(t -> t.getString("refId")).distinct()).as(where + ": refIds").hasSameSizeAs(targets);
                for (JsonObject t : targets) {
                    assertThat(t.getJsonObject("datasource")).as(where + " " + t.getString("refId")).isEqualTo(DATASOURCE);
                    assertThat(t.getString("expr")).as(where + " " + t.getString("refId")).isNotBlank();
                }
            }
            for (JsonObject v : d.variables()) {
                if ("query".equals(v.getString("type"))) {
                    assertThat(v.getJsonObject("datasource")).as(d.uid() + " $" + v.getString("name")).isEqualTo(DATASOURCE);
                }
            }
            // Anywhere else (annotations included): Grafana's own built-in datasource or the variable, never a fixed uid.
            List<JsonObject> refs = new ArrayList<>();
            collectDatasourceRefs(d.json(), refs);
            assertThat(refs).as(d.uid()).allSatisfy(ref -> assertThat(
                    ref.equals(DATASOURCE) || "-- Grafana --".equals(ref.getString("uid"))).as(ref.encode()).isTrue());
        }
    }

    @Test
    void panelIdsAreUniqueAndPanelsDoNotOverlap() {
        for (Dashboard d : dashboards) {
            List<JsonObject> panels = d.panels();
            assertThat(panels.stream().map(p -> p.getInteger("id")).distinct()).as(d.uid() + " panel ids").hasSameSizeAs(panels);
            for (int i = 0; i < panels.size(); i++) {
                JsonObject a = panels.get(i).getJsonObject("gridPos");
                assertThat(a.getInteger("x") + a.getInteger("w")).as(d.uid() + " " + panels.get(i).getString("title")).isLessThanOrEqualTo(24);
                for (int j = i + 1; j < panels.size(); j++) {
                    JsonObject b = panels.get(j).getJsonObject("gridPos");
                    assertThat(overlap(a, b)).as(d.uid() + ": " + panels.get(i).getString("title") + " and "
                            + panels.get(j).getString("title")).isFalse();
                }
            }
        }
    }

    @Test
    void everyPanelHasAUnit() {
        for (Dashboard d : dashboards) {
            for (JsonObject p : d.dataPanels()) {
                String where = d.uid() + " / " + p.getString("title");
                assertThat(p.getJsonObject("fieldConfig").getJsonObject("defaults").getString("unit")).as(where).isNotBlank();
                if ("heatmap".equals(p.getString("type"))) {
                    assertThat(p.getJsonObject("options").getJsonObject("yAxis").getString("unit")).as(where + " y axis").isNotBlank();
                }
            }
        }
    }

    @Test
    void variablesListValuesOfExportedMetricsAndEveryUsedVariableIsDefined() {
        KnownMetrics known = KnownMetrics.load();
        for (Dashboard d : dashboards) {
            Set<String> defined = d.variables().stream().map(v -> v.getString("name")).collect(Collectors.toSet());
            assertThat(defined).as(d.uid()).contains("datasource", "job", "instance", "jaeger_url", "runbook_url");
            for (JsonObject v : d.variables()) {
                if (!"query".equals(v.getString("type"))) {
                    continue;
                }
                PromQl.LabelValues lv = PromQl.labelValues(Dashboard.variableQuery(v));
                assertThat(known.exported(lv.metric())).as(d.uid() + " $" + v.getString("name") + " lists values of " + lv.metric()
                        + ", which the metric reference (docs/metrics.md) does not list").isTrue();
                assertThat(v.getString("definition")).isEqualTo(Dashboard.variableQuery(v));
            }
            Set<String> used = new TreeSet<>(PromQl.variablesUsed(d.json().encode()));
            used.removeAll(BUILT_IN);
            used.remove("DS_PROMETHEUS");
            used.removeIf(name -> name.startsWith("__"));
            assertThat(defined).as(d.uid() + ": variables used but not defined").containsAll(used);
        }
    }

    @Test
    void everyQueryNamesAnExportedMetricOrADefinedRecordingRule() {
        KnownMetrics known = KnownMetrics.load();
        Set<String> recordingRulesUsed = new HashSet<>();
        for (Dashboard d : dashboards) {
            for (JsonObject p : d.dataPanels()) {
                for (JsonObject t : Dashboard.targets(p)) {
                    Set<String> names = PromQl.metricNames(t.getString("expr"));
                    assertThat(names).as(d.uid() + " / " + p.getString("title") + ": " + t.getString("expr")).isNotEmpty()
                            .allSatisfy(n -> assertThat(known.known(n)).as(n + " is neither documented in docs/metrics.md "
                                    + "nor recorded in alert-rules/rules").isTrue());
                    names.stream().filter(known::recorded).forEach(recordingRulesUsed::add);
                }
            }
        }
        assertThat(recordingRulesUsed).as("recording rules the dashboards use").isNotEmpty();
    }

    @Test
    void histogramsWithExemplarsShowThemWithALinkToJaeger() {
        int exemplarTargets = 0;
        for (Dashboard d : dashboards) {
            for (JsonObject p : d.dataPanels()) {
                boolean any = false;
                for (JsonObject t : Dashboard.targets(p)) {
                    boolean readsExemplarHistogram = EXEMPLAR_HISTOGRAMS.stream().anyMatch(t.getString("expr")::contains);
                    if (readsExemplarHistogram) {
                        assertThat(t.getBoolean("exemplar", false)).as(d.uid() + " / " + p.getString("title")).isTrue();
                    }
                    any |= t.getBoolean("exemplar", false);
                }
                if (any) {
                    exemplarTargets++;
                    JsonArray links = p.getJsonObject("fieldConfig").getJsonObject("defaults").getJsonArray("links", new JsonArray());
                    assertThat(links.stream().map(l -> ((JsonObject) l).getString("url")))
                            .as(d.uid() + " / " + p.getString("title") + ": a data link to Jaeger")
                            .anySatisfy(url -> assertThat(url).startsWith("${jaeger_url}/"));
                }
            }
        }
        assertThat(exemplarTargets).as("panels with exemplars").isGreaterThanOrEqualTo(4);
    }

    @Test
    void everyDashboardLinksToTheOthersAndToTheRunbook() {
        Set<String> uids = dashboards.stream().map(Dashboard::uid).collect(Collectors.toSet());
        for (Dashboard d : dashboards) {
            assertThat(d.tags()).as(d.uid() + " tags").contains("vigil");
            assertThat(d.links()).as(d.uid() + ": a link to every dashboard tagged vigil, keeping time and variables")
                    .anySatisfy(l -> {
                        assertThat(l.getString("type")).isEqualTo("dashboards");
                        assertThat(l.getJsonArray("tags").getList()).containsExactly("vigil");
                        assertThat(l.getBoolean("keepTime")).isTrue();
                        assertThat(l.getBoolean("includeVars")).isTrue();
                    });
            assertThat(d.links()).as(d.uid() + ": the runbook").anySatisfy(l -> {
                assertThat(l.getString("type")).isEqualTo("link");
                assertThat(l.getString("url")).isEqualTo("${runbook_url}");
            });
            assertThat(Dashboard.variableQuery(d.variable("runbook_url").orElseThrow())).endsWith("alert-rules/RUNBOOK.md");
            // Panel links to another dashboard name one that exists.
            for (JsonObject p : d.dataPanels()) {
                p.getJsonObject("fieldConfig").getJsonObject("defaults").getJsonArray("links", new JsonArray()).forEach(l -> {
                    String url = ((JsonObject) l).getString("url");
                    if (url.startsWith("/d/")) {
                        assertThat(uids).as(d.uid() + " / " + p.getString("title") + " -> " + url).contains(url.substring(3).split("[/?]")[0]);
                    }
                });
            }
        }
    }

    /**
     * A panel that draws thresholds over a series an alert compares with a number draws exactly the alerts'
     * numbers; and every such number on a series some panel shows is drawn on at least one panel.
     */
    @Test
    void thresholdsAreTheAlertThresholds() {
        Map<String, Set<Double>> alerting = AlertThresholds.load();
        assertThat(alerting).as("alert rules comparing a series with a number").isNotEmpty();
        Map<String, Set<Double>> drawn = new HashMap<>();
        Set<String> shown = new HashSet<>();
        for (Dashboard d : dashboards) {
            for (JsonObject p : d.dataPanels()) {
                Set<String> names = new TreeSet<>();
                Dashboard.targets(p).forEach(t -> names.addAll(PromQl.metricNames(t.getString("expr"))));
                shown.addAll(names);
                Set<Double> steps = thresholdSteps(p);
                Set<Double> expected = new TreeSet<>();
                names.forEach(n -> expected.addAll(alerting.getOrDefault(n, Set.of())));
                if (steps.isEmpty() || expected.isEmpty()) {
                    continue;
                }
                assertThat(steps).as(d.uid() + " / " + p.getString("title") + " shows " + names).isEqualTo(expected);
                names.forEach(n -> drawn.computeIfAbsent(n, k -> new TreeSet<>()).addAll(steps));
            }
        }
        alerting.forEach((name, values) -> {
            if (shown.contains(name)) {
                assertThat(drawn.getOrDefault(name, Set.of())).as("thresholds drawn over " + name).containsAll(values);
            }
        });
    }

    private static Set<Double> thresholdSteps(JsonObject panel) {
        Set<Double> out = new TreeSet<>();
        JsonObject thresholds = panel.getJsonObject("fieldConfig").getJsonObject("defaults").getJsonObject("thresholds", new JsonObject());
        thresholds.getJsonArray("steps", new JsonArray()).forEach(s -> {
            Object value = ((JsonObject) s).getValue("value");
            if (value != null) {
                out.add(((Number) value).doubleValue());
            }
        });
        return out;
    }

    private static boolean overlap(JsonObject a, JsonObject b) {
        return a.getInteger("x") < b.getInteger("x") + b.getInteger("w") && b.getInteger("x") < a.getInteger("x") + a.getInteger("w")
                && a.getInteger("y") < b.getInteger("y") + b.getInteger("h") && b.getInteger("y") < a.getInteger("y") + a.getInteger("h");
    }

    private static void collectDatasourceRefs(Object node, List<JsonObject> out) {
        if (node instanceof JsonObject o) {
            o.forEach(e -> {
                if (e.getKey().equals("datasource") && e.getValue() instanceof JsonObject ref) {
                    out.add(ref);
                } else if (e.getKey().equals("datasource") && e.getValue() != null) {
                    throw new AssertionError("a datasource given by name, not as a reference: " + o.encode());
                }
                collectDatasourceRefs(e.getValue(), out);
            });
        } else if (node instanceof JsonArray a) {
            a.forEach(v -> collectDatasourceRefs(v, out));
        }
    }

    private static int occurrences(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
