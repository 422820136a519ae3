package dev.vigil.chart;

import static dev.vigil.chart.Tree.at;
import static dev.vigil.chart.Tree.list;
import static dev.vigil.chart.Tree.map;
import static dev.vigil.chart.Tree.named;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** webConfig: the web configuration file from a Secret, HTTPS probes, and a ServiceMonitor that scrapes with TLS and basic auth. */
class ChartWebConfigTest {
    private final HelmChart chart = HelmChart.vigil();

    @Test
    void theSecretIsMountedWholeAndNamedInTheConfigAndTheProbesUseHttps() {
        Rendered r = chart.template("""
                webConfig:
                  secretName: vigil-web
                  tls: true
                config:
                  redis: { main: { url: 'redis://redis:6379' } }
                """);
        Map<String, Object> vigil = r.container("vigil");
        assertThat(named(vigil.get("volumeMounts"), "vigil-web-config"))
                .containsEntry("mountPath", "/etc/vigil/web").containsEntry("readOnly", true).doesNotContainKey("subPath");
        assertThat(at(named(r.podSpec().get("volumes"), "vigil-web-config"), "secret.secretName")).isEqualTo("vigil-web");
        Map<String, Object> config = new Yaml().load((String) map(r.one("ConfigMap"), "data").get("vigil.yml"));
        assertThat(map(config, "server")).containsEntry("web_config_file", "/etc/vigil/web/web.yml");
        assertThat(map(vigil, "livenessProbe.httpGet")).isEqualTo(Map.of("path", "/healthz", "port", "http-metrics", "scheme", "HTTPS"));
        assertThat(map(vigil, "readinessProbe.httpGet")).isEqualTo(Map.of("path", "/readyz", "port", "http-metrics", "scheme", "HTTPS"));
    }

    @Test
    void theServiceMonitorScrapesWithTlsAndBasicAuth() {
        Rendered r = chart.template("""
                webConfig: { secretName: vigil-web, tls: true }
                serviceMonitor:
                  enabled: true
                  scheme: https
                  tlsConfig:
                    ca: { secret: { name: vigil-web, key: ca.crt } }
                    serverName: vigil
                  basicAuth:
                    username: { name: vigil-scrape, key: username }
                    password: { name: vigil-scrape, key: password }
                """);
        Map<String, Object> endpoint = (Map<String, Object>) list(r.one("ServiceMonitor"), "spec.endpoints").get(0);
        assertThat(endpoint).containsEntry("scheme", "https");
        assertThat(map(endpoint, "tlsConfig")).isEqualTo(Map.of("ca", Map.of("secret", Map.of("name", "vigil-web", "key", "ca.crt")), "serverName", "vigil"));
        assertThat(map(endpoint, "basicAuth")).isEqualTo(Map.of(
                "username", Map.of("name", "vigil-scrape", "key", "username"),
                "password", Map.of("name", "vigil-scrape", "key", "password")));
    }
}
