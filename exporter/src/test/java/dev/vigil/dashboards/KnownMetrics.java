package dev.vigil.dashboards;

import dev.vigil.support.ExternalTool;
import dev.vigil.support.MetricReference;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.Yaml;

/**
 * The series a dashboard may ask for: what the metric reference (docs/metrics.md) documents (what Vigil exports), the
 * recording rules of alert-rules/rules, and what Prometheus makes itself (up, scrape_*, ALERTS).
 */
final class KnownMetrics {
    private static final Set<String> PROMETHEUS_OWN = Set.of("up", "scrape_samples_scraped", "scrape_duration_seconds",
            "scrape_samples_post_metric_relabeling", "scrape_series_added", "ALERTS", "ALERTS_FOR_STATE");

    private final Set<String> exported;
    private final Set<String> exportedPrefixes;
    private final Set<String> recorded;

    private KnownMetrics(Set<String> exported, Set<String> exportedPrefixes, Set<String> recorded) {
        this.exported = exported;
        this.exportedPrefixes = exportedPrefixes;
        this.recorded = recorded;
    }

    static KnownMetrics load() {
        Set<String> exported = new LinkedHashSet<>();
        MetricReference reference = MetricReference.load();
        for (MetricReference.Row row : reference.rows()) {
            for (String name : row.names()) {
                if (!reference.families().contains(name)) {
                    continue; // a prefix such as jvm_*, or custom queries' <name>_<column>: the user's own names
                }
                exported.add(name);
                if (row.histogram()) {
                    List.of("_bucket", "_count", "_sum").forEach(suffix -> exported.add(name + suffix));
                }
            }
        }
        return new KnownMetrics(exported, reference.prefixes(), recordingRules());
    }

    static Path rulesFolder() {
        return ExternalTool.repoRoot().resolve("alert-rules/rules");
    }

    /** The rule files Prometheus loads: every *.yml of alert-rules/rules. */
    static List<Path> ruleFiles() {
        try (var files = Files.list(rulesFolder())) {
            return files.filter(f -> f.getFileName().toString().endsWith(".yml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("no rule files in " + rulesFolder(), e);
        }
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> rules(Path file) {
        try {
            Map<String, Object> doc = new Yaml().load(Files.readString(file));
            return ((List<Map<String, Object>>) doc.get("groups")).stream()
                    .flatMap(g -> ((List<Map<String, Object>>) g.get("rules")).stream()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Set<String> recordingRules() {
        Set<String> out = new LinkedHashSet<>();
        for (Path f : ruleFiles()) {
            rules(f).stream().filter(r -> r.containsKey("record")).forEach(r -> out.add((String) r.get("record")));
        }
        return out;
    }

    boolean exported(String name) {
        return exported.contains(name) || exportedPrefixes.stream().anyMatch(name::startsWith);
    }

    boolean recorded(String name) {
        return recorded.contains(name);
    }

    boolean known(String name) {
        return exported(name) || recorded(name) || PROMETHEUS_OWN.contains(name);
    }

    Set<String> recordingRuleNames() {
        return recorded;
    }
}
