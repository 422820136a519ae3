package dev.vigil.chart;

import static dev.vigil.chart.Tree.at;
import static dev.vigil.chart.Tree.list;
import static dev.vigil.chart.Tree.map;
import static dev.vigil.chart.Tree.named;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.config.LlmConfig;
import dev.vigil.config.VigilConfig;
import dev.vigil.support.RunningExporter;
import dev.vigil.support.TestRedis;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets come from existing Kubernetes Secrets as files: the chart mounts them and writes only their paths
 * into vigil.yml. Here the mount folder is a temporary one holding the files the kubelet would write.
 */
class ChartSecretsIT {
    /** What the Secrets of ci/secrets-values.yaml hold, as files under the mount: secretName/key. */
    private static final Map<String, String> SECRET_FILES = Map.of(
            "vigil-redis/password", "redis-pw-7f3a",
            "vigil-postgres/password", "pg-pw-91c2",
            "vigil-llm/push-token", "push-token-5d8e",
            "vigil-llm/openai-admin-key", "sk-admin-openai-44b1",
            "vigil-llm/anthropic-admin-key", "sk-ant-admin01-c0de");

    private final HelmChart chart = HelmChart.vigil();

    @TempDir
    Path dir;

    @Test
    void everySecretIsAMountedFileNamedInTheConfig() {
        Rendered r = chart.template(chart.file("ci/secrets-values.yaml"));
        Map<String, Object> config = r.vigilTree();
        assertThat(at(config, "redis.main.password_file")).isEqualTo("/etc/vigil/secrets/vigil-redis/password");
        assertThat(at(config, "postgres.primary.password_file")).isEqualTo("/etc/vigil/secrets/vigil-postgres/password");
        assertThat(at(config, "llm.push.token_file")).isEqualTo("/etc/vigil/secrets/vigil-llm/push-token");
        assertThat(at(config, "llm.openai.admin_key_file")).isEqualTo("/etc/vigil/secrets/vigil-llm/openai-admin-key");
        assertThat(at(config, "llm.anthropic.admin_key_file")).isEqualTo("/etc/vigil/secrets/vigil-llm/anthropic-admin-key");
        assertThat(at(config, "llm.sql.0.password_file")).isEqualTo("/etc/vigil/secrets/vigil-postgres/password");
        assertThat(secretKeys(config, "")).isEmpty();

        // One projected volume holds each Secret key once (two config keys share vigil-postgres/password).
        Map<String, Object> volume = named(r.podSpec().get("volumes"), "vigil-secrets");
        List<String> items = new ArrayList<>();
        for (Object source : list(volume, "projected.sources")) {
            String secret = Tree.string(source, "secret.name");
            for (Object item : list(source, "secret.items")) {
                assertThat(Tree.string(item, "path")).isEqualTo(secret + "/" + Tree.string(item, "key"));
                items.add(Tree.string(item, "path"));
            }
        }
        assertThat(items).containsExactlyInAnyOrderElementsOf(SECRET_FILES.keySet());
        assertThat(at(volume, "projected.defaultMode")).isEqualTo(0440);
        assertThat(named(r.container("vigil").get("volumeMounts"), "vigil-secrets"))
                .isEqualTo(Map.of("name", "vigil-secrets", "mountPath", "/etc/vigil/secrets", "readOnly", true));
        // The standalone pod's group may read the 0440 files.
        assertThat(map(r.podSpec(), "securityContext")).containsEntry("fsGroup", 65532);
    }

    @Test
    void theReadmesInstallCommandNamesThePasswordFile() {
        Rendered r = chart.template(List.of(
                "config.redis.main.url=redis://redis-master.data:6379",
                "secrets[0].secretName=vigil-redis,secrets[0].key=password,secrets[0].configKey=redis.main.password",
                "serviceMonitor.enabled=true,prometheusRule.enabled=true"));
        assertThat(map(r.vigilTree(), "redis.main")).isEqualTo(Map.of(
                "url", "redis://redis-master.data:6379", "password_file", "/etc/vigil/secrets/vigil-redis/password"));
        assertThat(r.kinds()).contains("ServiceMonitor", "PrometheusRule");
    }

    @Test
    void vigilReadsEachSecretFromItsFileAndNoValueIsInTheChartOutput() throws IOException {
        writeSecretFiles();
        Rendered r = chart.template(chart.file("ci/secrets-values.yaml"), "secretsMountPath: " + dir);
        VigilConfig config = r.loadConfig(dir, name -> null);

        assertThat(config.redis().get("main").password().orElseThrow().value()).isEqualTo("redis-pw-7f3a");
        assertThat(config.postgres().get("primary").password().orElseThrow().value()).isEqualTo("pg-pw-91c2");
        LlmConfig llm = config.llm().orElseThrow();
        assertThat(llm.push().token().orElseThrow().value()).isEqualTo("push-token-5d8e");
        assertThat(llm.apis()).extracting(a -> a.provider().key(), a -> a.adminKey().value()).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("openai", "sk-admin-openai-44b1"),
                org.assertj.core.groups.Tuple.tuple("anthropic", "sk-ant-admin01-c0de"));
        assertThat(llm.sql().get(0).password().orElseThrow().value()).isEqualTo("pg-pw-91c2");
        for (String value : SECRET_FILES.values()) {
            assertThat(r.text()).doesNotContain(value);
        }
    }

    /** The rendered pod, end to end: its config against a Redis that wants a password, its probes answered. */
    @Test
    void vigilStartsFromTheRenderedConfigAndAnswersItsProbes() throws IOException {
        try (TestRedis redis = TestRedis.startWithPassword("redis-pw-7f3a")) {
            writeSecretFiles();
            int port = freePort();
            Rendered r = chart.template("""
                    port: %d
                    config:
                      redis:
                        main:
                          url: redis://127.0.0.1:%d
                      bullmq:
                        - redis: main
                          interval: 200ms
                      cache:
                        redis_info: [main]
                        interval: 200ms
                    secrets:
                      - secretName: vigil-redis
                        key: password
                        configKey: redis.main.password
                    secretsMountPath: %s
                    """.formatted(port, redis.port(), dir));
            Map<String, Object> container = r.container("vigil");
            assertThat(at(container, "ports.0.containerPort")).isEqualTo(port);
            try (RunningExporter vigil = RunningExporter.start(r.vigilYaml())) {
                assertThat(vigil.baseUrl()).isEqualTo("http://127.0.0.1:" + port);
                HttpResponse<String> live = vigil.get(Tree.string(container, "livenessProbe.httpGet.path"));
                assertThat(live.statusCode()).isEqualTo(200);
                awaitStatus(vigil, Tree.string(container, "readinessProbe.httpGet.path"), 200);
                // The password from the mounted file authenticated: INFO was read.
                vigil.awaitScrape(Duration.ofSeconds(20), s -> s.value("redis_up", "redis", "main").orElse(0.0) == 1.0);
            }
        }
    }

    private void writeSecretFiles() throws IOException {
        for (Map.Entry<String, String> file : SECRET_FILES.entrySet()) {
            Path path = dir.resolve(file.getKey());
            Files.createDirectories(path.getParent());
            // The kubelet writes a Secret's bytes as they are; a trailing newline is common and Vigil trims it.
            Files.writeString(path, file.getValue() + "\n");
        }
    }

    /** Keys that would hold a secret's value in plain text. */
    private static List<String> secretKeys(Object node, String path) {
        List<String> found = new ArrayList<>();
        if (node instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : new LinkedHashMap<>(m).entrySet()) {
                String key = String.valueOf(e.getKey());
                if (List.of("password", "token", "admin_key").contains(key)) {
                    found.add(path + key);
                }
                found.addAll(secretKeys(e.getValue(), path + key + "."));
            }
        } else if (node instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                found.addAll(secretKeys(l.get(i), path + i + "."));
            }
        }
        return found;
    }

    private static void awaitStatus(RunningExporter vigil, String path, int status) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        int last = vigil.get(path).statusCode();
        while (last != status) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(path + " answered " + last + " for 30 s, expected " + status);
            }
            RunningExporter.sleep(100);
            last = vigil.get(path).statusCode();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
