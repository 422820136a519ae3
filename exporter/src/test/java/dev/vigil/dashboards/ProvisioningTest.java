package dev.vigil.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.snapshots.Exemplar;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** The provisioning examples say what Grafana needs for these dashboards, in the form Grafana reads. */
class ProvisioningTest {
    private static final Path PROVISIONING = Dashboard.folder().resolve("provisioning");

    @Test
    void dashboardProviderLoadsTheFolderTheReadmeMountsTheFilesIn() throws IOException {
        Map<String, Object> provider = only(yaml("dashboards/vigil.yml"), "providers");
        assertThat(provider.get("type")).isEqualTo("file");
        assertThat(provider.get("folder")).isEqualTo("Vigil");
        String path = (String) ((Map<?, ?>) provider.get("options")).get("path");
        assertThat(Files.readString(Dashboard.folder().resolve("README.md"))).contains(":" + path + ":ro");
    }

    @Test
    void datasourceLinksVigilsExemplarsToJaegerWithTheDollarEscaped() throws IOException {
        for (Map<String, Object> ds : List.of(only(yaml("datasources/prometheus.yml"), "datasources"), helmDatasource())) {
            assertThat(ds.get("type")).isEqualTo("prometheus");
            Map<?, ?> json = (Map<?, ?>) ds.get("jsonData");
            Map<?, ?> destination = (Map<?, ?>) ((List<?>) json.get("exemplarTraceIdDestinations")).get(0);
            // The label Vigil puts the trace id under; Grafana would expand a single $ as an environment variable.
            assertThat(destination.get("name")).isEqualTo(Exemplar.TRACE_ID);
            assertThat((String) destination.get("url")).endsWith("/trace/$${__value.raw}");
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> helmDatasource() throws IOException {
        Map<String, Object> values = yaml("kubernetes/grafana-values.yaml");
        Map<String, Object> sidecar = (Map<String, Object>) ((Map<String, Object>) values.get("sidecar")).get("dashboards");
        assertThat(sidecar.get("label")).isEqualTo("grafana_dashboard");
        Map<String, Object> file = (Map<String, Object>) ((Map<String, Object>) values.get("datasources")).get("datasources.yaml");
        return only(file, "datasources");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> only(Map<String, Object> doc, String key) {
        assertThat(doc.get("apiVersion")).isEqualTo(1);
        List<Map<String, Object>> items = (List<Map<String, Object>>) doc.get(key);
        assertThat(items).hasSize(1);
        return items.get(0);
    }

    private static Map<String, Object> yaml(String file) throws IOException {
        return new Yaml().load(Files.readString(PROVISIONING.resolve(file)));
    }
}
