package dev.vigil.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.support.ExternalTool;
import dev.vigil.support.MetricReference;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What promtool does not check about alert-rules: every alert carries the labels the Alertmanager routes
 * use and the annotations on-call people read, links to its own runbook section, has a unit test that
 * fires and one that stays quiet, and asks only for metrics Vigil exports; every recording rule is named
 * level:metric:operation and has its exact value tested.
 */
class RuleFilesTest {
    static final Path ALERT_RULES = ExternalTool.repoRoot().resolve("alert-rules");
    static final String RUNBOOK = "https://github.com/vigil-dev/vigil/blob/main/alert-rules/RUNBOOK.md#";
    private static final Pattern VIGIL_METRIC = Pattern.compile("(?<![\\w:])((?:bullmq|pg|redis|cache|llm|vigil)_[a-z0-9_]+)(?![\\w:])");

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> rules(String kind) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Path file : PromtoolIT.yamlFiles(ALERT_RULES.resolve("rules"))) {
            for (Map<String, Object> group : (List<Map<String, Object>>) TestOverlay.load(file).get("groups")) {
                for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                    if (rule.containsKey(kind)) {
                        out.add(rule);
                    }
                }
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> unitTests() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Path file : PromtoolIT.yamlFiles(ALERT_RULES.resolve("tests"))) {
            out.addAll((List<Map<String, Object>>) TestOverlay.load(file).get("tests"));
        }
        return out;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyAlertHasRoutingLabelsAnnotationsAndItsRunbookSection() {
        String runbook = read(ALERT_RULES.resolve("RUNBOOK.md"));
        List<Map<String, Object>> alerts = rules("alert");
        assertThat(alerts).hasSizeGreaterThan(30);
        for (Map<String, Object> alert : alerts) {
            String name = (String) alert.get("alert");
            Map<String, String> labels = (Map<String, String>) alert.get("labels");
            Map<String, String> annotations = (Map<String, String>) alert.get("annotations");
            assertThat(labels.get("severity")).as(name).isIn("critical", "warning", "info");
            assertThat(labels.get("team")).as(name).isIn("backend", "finance");
            assertThat(labels.get("area")).as(name).isIn("queues", "postgres", "redis", "cache", "llm", "llm-spend", "vigil");
            assertThat(annotations.get("summary")).as(name).isNotBlank();
            assertThat(annotations.get("description")).as(name).isNotBlank();
            assertThat(annotations.get("runbook_url")).as(name).isEqualTo(RUNBOOK + name.toLowerCase());
            assertThat(runbook).as("RUNBOOK.md section of " + name).contains("\n## " + name + "\n");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyAlertHasAUnitTestThatFiresAndOneThatStaysQuiet() {
        Set<String> fires = new HashSet<>();
        Set<String> quiet = new HashSet<>();
        for (Map<String, Object> test : unitTests()) {
            for (Map<String, Object> case_ : (List<Map<String, Object>>) test.getOrDefault("alert_rule_test", List.of())) {
                List<?> expected = (List<?>) case_.get("exp_alerts");
                (expected == null || expected.isEmpty() ? quiet : fires).add((String) case_.get("alertname"));
            }
        }
        for (Map<String, Object> alert : rules("alert")) {
            String name = (String) alert.get("alert");
            assertThat(fires).as("a test in which " + name + " fires").contains(name);
            assertThat(quiet).as("a test in which " + name + " stays quiet").contains(name);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyRecordingRuleIsNamedByLevelMetricOperationAndHasItsValueTested() {
        Set<String> tested = new HashSet<>();
        for (Map<String, Object> test : unitTests()) {
            for (Map<String, Object> case_ : (List<Map<String, Object>>) test.getOrDefault("promql_expr_test", List.of())) {
                if (!((List<?>) case_.get("exp_samples")).isEmpty()) {
                    tested.add(((String) case_.get("expr")).replaceAll("\\{.*", ""));
                }
            }
        }
        List<Map<String, Object>> records = rules("record");
        assertThat(records).isNotEmpty();
        for (Map<String, Object> rule : records) {
            String name = (String) rule.get("record");
            assertThat(name).matches("[a-z_]+:[a-z0-9_]+:[a-z0-9_]+");
            assertThat(tested).as("an exact-value test of " + name).contains(name);
        }
    }

    @Test
    void rulesAskOnlyForMetricsVigilExports() {
        MetricReference reference = MetricReference.load();
        Set<String> used = new TreeSet<>();
        List<Map<String, Object>> all = new ArrayList<>(rules("alert"));
        all.addAll(rules("record"));
        for (Map<String, Object> rule : all) {
            Matcher m = VIGIL_METRIC.matcher((String) rule.get("expr"));
            while (m.find()) {
                used.add(m.group(1).replaceAll("_bucket$", ""));
            }
        }
        assertThat(used).hasSizeGreaterThan(40);
        for (String metric : used) {
            assertThat(reference.mentions(metric)).as(metric + " in the metric reference, docs/metrics.md").isTrue();
        }
    }
}
