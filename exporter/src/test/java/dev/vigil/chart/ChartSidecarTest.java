package dev.vigil.chart;

import static dev.vigil.chart.Tree.at;
import static dev.vigil.chart.Tree.list;
import static dev.vigil.chart.Tree.map;
import static dev.vigil.chart.Tree.named;
import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.LintResult;
import dev.vigil.support.ExternalTool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * Sidecar mode: Vigil as a container of the application's own pods. The application chart of
 * charts/examples/orders-api has this chart as a subchart and includes its container and volumes.
 */
class ChartSidecarTest {
    private static final Path EXAMPLE = ExternalTool.repoRoot().resolve("charts/examples/orders-api");

    private final HelmChart vigil = HelmChart.vigil();

    @TempDir
    Path dir;

    @Test
    void sidecarModeRendersEverythingButTheDeployment() {
        Rendered r = vigil.template(vigil.file("ci/sidecar-values.yaml"));
        assertThat(r.kinds()).containsExactlyInAnyOrder("ConfigMap", "Service", "ServiceMonitor");
        Map<String, Object> service = r.one("Service");
        assertThat(map(service, "spec.selector")).isEqualTo(Map.of("app.kubernetes.io/name", "orders-api"));
        assertThat(list(service, "spec.ports")).containsExactly(
                Map.of("name", "http-metrics", "port", 9740, "targetPort", "http-metrics", "protocol", "TCP"));
        assertThat(map(service, "metadata.labels")).containsAllEntriesOf(map(r.one("ServiceMonitor"), "spec.selector.matchLabels"));

        assertThat(vigil.templateError("mode: sidecar"))
                .contains("mode sidecar needs sidecar.podSelector: the labels of the application's pods");
    }

    @Test
    void anApplicationChartRunsTheSameVigilContainerInItsPods() throws IOException {
        HelmChart app = HelmChart.at(exampleWithVigilSubchart());
        LintResult lint = app.lint();
        assertThat(lint.isFailed()).as("helm lint --strict of the example: %s", lint.getMessages()).isFalse();

        Rendered r = app.template("vigil: { secretsMountPath: " + dir + " }");
        assertThat(r.kinds()).containsExactlyInAnyOrder("ConfigMap", "Service", "Deployment", "ServiceMonitor");
        Map<String, Object> deployment = r.one("Deployment");
        assertThat(at(deployment, "metadata.name")).isEqualTo("orders-orders-api");
        assertThat(list(r.podSpec(), "containers")).extracting(c -> map(c).get("name")).containsExactly("orders-api", "vigil");

        // Exactly the container and volumes the standalone Deployment has for the same values.
        Map<String, Object> vigilValues = map(map(new Yaml().load(Files.readString(EXAMPLE.resolve("values.yaml")))).get("vigil"));
        vigilValues.remove("mode");
        vigilValues.remove("sidecar");
        Rendered standalone = vigil.template(new Yaml().dump(vigilValues), "secretsMountPath: " + dir);
        assertThat(r.container("vigil")).isEqualTo(standalone.container("vigil"));
        List<Object> volumes = list(r.podSpec(), "volumes");
        assertThat(volumes).isEqualTo(list(standalone.podSpec(), "volumes"));
        assertThat(map(deployment, "spec.template.metadata.annotations").get("checksum/vigil-config"))
                .isEqualTo(map(standalone.one("Deployment"), "spec.template.metadata.annotations").get("checksum/config"));

        // Every mount has its volume, the config volume is the subchart's ConfigMap, and Vigil loads it.
        for (Object mount : list(r.container("vigil"), "volumeMounts")) {
            named(volumes, (String) map(mount).get("name"));
        }
        assertThat(at(named(volumes, "vigil-config"), "configMap.name")).isEqualTo(at(r.one("ConfigMap"), "metadata.name"));
        Path token = Files.createDirectories(dir.resolve("orders-api-vigil")).resolve("push-token");
        Files.writeString(token, "push-token-2b7c\n");
        assertThat(r.loadConfig(dir, name -> null).llm().orElseThrow().push().token().orElseThrow().value())
                .isEqualTo("push-token-2b7c");

        // Prometheus finds the pods: the Service selects the application's pods, the ServiceMonitor the Service.
        Map<String, Object> service = r.one("Service");
        assertThat(map(deployment, "spec.template.metadata.labels")).containsAllEntriesOf(map(service, "spec.selector"));
        assertThat(map(service, "metadata.labels")).containsAllEntriesOf(map(r.one("ServiceMonitor"), "spec.selector.matchLabels"));
    }

    /** The example as `helm dependency update` leaves it: this chart under its charts/ (whatever is there now is left out). */
    private Path exampleWithVigilSubchart() {
        Path app = dir.resolve("orders-api");
        copy(EXAMPLE, app, EXAMPLE.resolve("charts"));
        copy(vigil.dir(), app.resolve("charts/vigil"), null);
        return app;
    }

    private static void copy(Path from, Path to, Path skip) {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.filter(f -> skip == null || !f.startsWith(skip)).sorted(Comparator.naturalOrder()).toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
