package dev.vigil.chart;

import static dev.vigil.chart.Tree.at;
import static dev.vigil.chart.Tree.list;
import static dev.vigil.chart.Tree.map;
import static dev.vigil.chart.Tree.named;
import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.LintResult;
import dev.vigil.config.BullmqConfig;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.CustomQueryConfig;
import dev.vigil.config.LlmConfig;
import dev.vigil.config.PostgresConfig;
import dev.vigil.config.ServerConfig;
import dev.vigil.config.VigilConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/** The chart's default install: one Vigil in a Deployment of its own, as an on-call team would deploy it. */
class ChartStandaloneTest {
    private final HelmChart chart = HelmChart.vigil();

    @TempDir
    Path dir;

    @Test
    void lintPassesStrict() {
        LintResult lint = chart.lint();
        assertThat(lint.isFailed()).as("helm lint --strict: %s", lint.getMessages()).isFalse();
        assertThat(lint.getMessages()).noneMatch(m -> m.startsWith("[WARNING]") || m.startsWith("[ERROR]"));
    }

    @Test
    void defaultsServeMetricsOn9740FromOneNonRootPod() {
        Rendered r = chart.template();
        assertThat(r.kinds()).containsExactlyInAnyOrder("ServiceAccount", "ConfigMap", "Service", "Deployment");

        Map<String, Object> deployment = r.one("Deployment");
        assertThat(at(deployment, "spec.replicas")).isEqualTo(1);
        Map<String, Object> podLabels = map(deployment, "spec.template.metadata.labels");
        Map<String, Object> service = r.one("Service");
        assertThat(list(service, "spec.ports")).containsExactly(
                Map.of("name", "http-metrics", "port", 9740, "targetPort", "http-metrics", "protocol", "TCP"));
        assertThat(podLabels).containsAllEntriesOf(map(service, "spec.selector"));
        assertThat(map(service, "spec.selector")).isEqualTo(
                Map.of("app.kubernetes.io/name", "vigil", "app.kubernetes.io/instance", "orders"));

        Map<String, Object> vigil = r.container("vigil");
        assertThat(at(vigil, "image")).isEqualTo("vigil-exporter:" + appVersion());
        assertThat(list(vigil, "ports")).containsExactly(Map.of("name", "http-metrics", "containerPort", 9740, "protocol", "TCP"));
        assertThat(map(vigil, "livenessProbe.httpGet")).isEqualTo(Map.of("path", "/healthz", "port", "http-metrics"));
        assertThat(map(vigil, "readinessProbe.httpGet")).isEqualTo(Map.of("path", "/readyz", "port", "http-metrics"));
        assertThat(list(vigil, "args")).containsExactly("--config", "/etc/vigil/config/vigil.yml", "--log-format", "json");

        // --config names the file the ConfigMap puts at that path.
        Map<String, Object> mount = named(vigil.get("volumeMounts"), "vigil-config");
        assertThat(mount).containsEntry("mountPath", "/etc/vigil/config").containsEntry("readOnly", true);
        Map<String, Object> volume = named(r.podSpec().get("volumes"), "vigil-config");
        assertThat(at(volume, "configMap.name")).isEqualTo(at(r.one("ConfigMap"), "metadata.name")).isEqualTo("orders-vigil");
        assertThat(map(r.one("ConfigMap"), "data")).containsOnlyKeys("vigil.yml");

        assertThat(map(vigil, "securityContext")).containsEntry("runAsNonRoot", true)
                .containsEntry("readOnlyRootFilesystem", true).containsEntry("allowPrivilegeEscalation", false)
                .containsEntry("capabilities", Map.of("drop", List.of("ALL")));
        assertThat(map(r.podSpec(), "securityContext")).containsEntry("runAsNonRoot", true).containsEntry("runAsUser", 65532);
        // With a read-only root, the JVM's and Netty's temporary files need a writable /tmp.
        assertThat(named(vigil.get("volumeMounts"), "vigil-tmp")).containsEntry("mountPath", "/tmp");
        assertThat(named(r.podSpec().get("volumes"), "vigil-tmp")).containsKey("emptyDir");
        assertThat(map(vigil, "resources")).isEqualTo(Map.of(
                "requests", Map.of("cpu", "50m", "memory", "256Mi"), "limits", Map.of("memory", "256Mi")));
        // The heap from the container's memory limit, the small-exporter flags of docs/performance.md, and exit
        // on an out-of-memory error.
        assertThat(named(vigil.get("env"), "JAVA_TOOL_OPTIONS")).containsEntry("value",
                "-XX:MaxRAMPercentage=50 -XX:+UseSerialGC -Xss512k -XX:ReservedCodeCacheSize=32m -XX:MaxMetaspaceSize=80m -XX:TrimNativeHeapInterval=5000 -XX:-UsePerfData -XX:+UnlockDiagnosticVMOptions -XX:AsyncDeflationInterval=0 -XX:GuaranteedSafepointInterval=0 -XX:+ExitOnOutOfMemoryError");
        assertThat(r.podSpec()).containsEntry("automountServiceAccountToken", false)
                .containsEntry("serviceAccountName", at(r.one("ServiceAccount"), "metadata.name"));

        VigilConfig config = r.loadConfig(dir, name -> null);
        assertThat(config.server()).isEqualTo(new ServerConfig("0.0.0.0", 9740));
        assertThat(config.redis().get("main").url()).isEqualTo("redis://redis:6379");
        assertThat(config.bullmq()).extracting(BullmqConfig::name).containsExactly("bullmq/main/bull");
    }

    @Test
    void configIsWrittenAsTheUserWroteIt() {
        Rendered r = chart.template("""
                port: 9800
                logFormat: text
                config:
                  redis:
                    main:
                      url: redis://redis.data:6379/2
                  bullmq:
                    - redis: main
                      prefix: "{bull}"
                      queues: [emails, "reports:daily"]
                      interval: 1m30s
                      max_events_per_poll: 1000000
                  postgres:
                    primary:
                      url: jdbc:postgresql://postgres.data:5432/app?sslmode=verify-full
                      user: vigil
                      queries:
                        - name: conversations
                          sql: SELECT assistant_type, count(*) AS active FROM conversations GROUP BY 1
                          columns: { assistant_type: label, active: gauge }
                          max_rows: 250
                  llm:
                    push: { enabled: false }
                    budgets: { daily_usd: 12.34, monthly_usd: 5000 }
                    labels: [tenant]
                    sql:
                      - preset: litellm
                        url: jdbc:postgresql://postgres.data:5432/litellm
                        max_rows_per_poll: 2500000
                  tracing:
                    endpoint: http://otel-collector.observability:4318
                    sample_ratio: 0.05
                """);
        VigilConfig config = r.loadConfig(dir, name -> null);
        assertThat(config.server()).isEqualTo(new ServerConfig("0.0.0.0", 9800));
        BullmqConfig bullmq = config.bullmq().get(0);
        assertThat(bullmq.prefix()).isEqualTo("{bull}");
        assertThat(bullmq.queues()).containsExactly("emails", "reports:daily");
        assertThat(bullmq.interval()).isEqualTo(Duration.ofSeconds(90));
        assertThat(bullmq.events().maxPerPoll()).isEqualTo(1_000_000);
        PostgresConfig pg = config.postgres().get("primary");
        assertThat(pg.url()).isEqualTo("jdbc:postgresql://postgres.data:5432/app?sslmode=verify-full");
        CustomQueryConfig query = pg.queries().get(0);
        assertThat(query.columns()).containsEntry("assistant_type", CustomQueryConfig.Column.LABEL)
                .containsEntry("active", CustomQueryConfig.Column.GAUGE);
        assertThat(query.maxRows()).isEqualTo(250);
        LlmConfig llm = config.llm().orElseThrow();
        assertThat(llm.budgets().dailyUsd().orElseThrow()).isEqualByComparingTo("12.34");
        assertThat(llm.budgets().monthlyUsd().orElseThrow()).isEqualByComparingTo("5000");
        assertThat(llm.sql().get(0).maxRowsPerPoll()).isEqualTo(2_500_000);
        assertThat(config.tracing().sampleRatio()).isEqualTo(0.05);

        Map<String, Object> vigil = r.container("vigil");
        assertThat(list(vigil, "args")).containsExactly("--config", "/etc/vigil/config/vigil.yml", "--log-format", "text");
        assertThat(list(vigil, "ports")).containsExactly(Map.of("name", "http-metrics", "containerPort", 9800, "protocol", "TCP"));
        assertThat(at(r.one("Service"), "spec.ports.0.port")).isEqualTo(9800);
    }

    @Test
    void imageAndPodExtrasAreRenderedAsGiven() {
        Rendered r = chart.template("""
                image:
                  repository: registry.internal/platform/vigil
                  digest: sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
                  command: [java, -jar, /opt/vigil/vigil-exporter.jar]
                extraArgs: [--check-config]
                extraEnv:
                  - name: OTEL_EXPORTER_OTLP_ENDPOINT
                    value: http://otel-collector.observability:4318
                extraVolumes:
                  - name: pg-ca
                    configMap: { name: postgres-ca }
                extraVolumeMounts:
                  - name: pg-ca
                    mountPath: /etc/vigil/pg-ca
                podLabels: { team: backend }
                nodeSelector: { kubernetes.io/os: linux }
                """);
        Map<String, Object> vigil = r.container("vigil");
        assertThat(at(vigil, "image")).isEqualTo(
                "registry.internal/platform/vigil@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
        assertThat(list(vigil, "command")).containsExactly("java", "-jar", "/opt/vigil/vigil-exporter.jar");
        assertThat(list(vigil, "args")).containsExactly("--config", "/etc/vigil/config/vigil.yml", "--log-format", "json", "--check-config");
        assertThat(list(vigil, "env")).extracting(e -> map(e).get("name"))
                .containsExactly("POD_NAME", "POD_NAMESPACE", "NODE_NAME", "JAVA_TOOL_OPTIONS", "OTEL_EXPORTER_OTLP_ENDPOINT");
        assertThat(named(vigil.get("volumeMounts"), "pg-ca")).containsEntry("mountPath", "/etc/vigil/pg-ca");
        assertThat(list(r.podSpec(), "volumes")).extracting(v -> map(v).get("name")).containsExactly("vigil-config", "vigil-tmp", "pg-ca");
        assertThat(map(r.one("Deployment"), "spec.template.metadata.labels")).containsEntry("team", "backend");
        assertThat(map(r.podSpec(), "nodeSelector")).isEqualTo(Map.of("kubernetes.io/os", "linux"));
        // The Service still selects by the chart's labels only.
        assertThat(map(r.one("Service"), "spec.selector")).doesNotContainKey("team");
    }

    @Test
    void filesSitBesideTheConfigForKeysThatNameAFile() throws Exception {
        Rendered r = chart.template("""
                config:
                  llm:
                    prices_file: /etc/vigil/config/prices.yml
                files:
                  prices.yml: |
                    models:
                      acme-large: { provider: acme, input: 2.5, output: 10 }
                """);
        Map<String, Object> data = map(r.one("ConfigMap"), "data");
        assertThat(data).containsOnlyKeys("vigil.yml", "prices.yml");
        // The pod finds the ConfigMap's files under the config mount; here they are copied to the temp folder.
        Files.writeString(dir.resolve("prices.yml"), (String) data.get("prices.yml"));
        Path file = Files.writeString(dir.resolve("vigil.yml"), r.vigilYaml().replace("/etc/vigil/config/", dir + "/"));
        VigilConfig config = new ConfigLoader(name -> null).load(file);
        assertThat(config.llm().orElseThrow().prices()).isPresent();
        assertThat(chart.templateError("files: { vigil.yml: 'server: {}' }"))
                .contains("files: vigil.yml is the configuration the chart writes from config");
    }

    @Test
    void refusesSecretsWrittenInConfig() {
        assertThat(chart.templateError("config: { redis: { main: { url: 'redis://redis:6379', password: hunter2 } } }"))
                .contains("config.redis.main.password: a secret written in config would be stored in the ConfigMap");
        assertThat(chart.templateError("config: { redis: { main: { url: 'redis://vigil:hunter2@redis:6379' } } }"))
                .contains("config.redis.main.url: a secret written in config");
        assertThat(chart.templateError("config: { postgres: { primary: { url: 'jdbc:postgresql://pg/app?user=vigil&password=hunter2' } } }"))
                .contains("config.postgres.primary.url: a secret written in config");
        assertThat(chart.templateError("config: { llm: { push: { token: s3cret }, openai: { admin_key: sk-admin } } }"))
                .contains("config.llm.openai.admin_key, config.llm.push.token: a secret written in config");
        assertThat(chart.templateError("config: { tracing: { headers: { authorization: 'Bearer abc' } } }"))
                .contains("config.tracing.headers.authorization: a secret written in config");

        // A ${VAR} is no secret: Vigil reads the value from the environment (e.g. set from a Secret by extraEnv).
        Rendered r = chart.template("config: { redis: { main: { url: 'redis://redis:6379', password: '${REDIS_PASSWORD}' } } }");
        assertThat(r.loadConfig(dir, Map.of("REDIS_PASSWORD", "from-env")::get).redis().get("main").password().orElseThrow().value())
                .isEqualTo("from-env");
    }

    @Test
    void refusesWhatThePodCouldNotRun() {
        assertThat(chart.templateError("config: { server: { listen: '127.0.0.1:9740' } }"))
                .contains("config.server.listen is 127.0.0.1:9740; the chart listens on 0.0.0.0:9740");
        // values.schema.json: a misspelt or missing value stops the install instead of being ignored.
        assertThat(chart.templateError("serviceMonitor: { enable: true }")).contains("at '/serviceMonitor': additional properties 'enable' not allowed");
        assertThat(chart.templateError("mode: daemonset")).contains("at '/mode': value must be one of 'standalone', 'sidecar'");
        assertThat(chart.templateError("secrets: [{ secretName: vigil-redis, key: password }]"))
                .contains("at '/secrets/0': missing property 'configKey'");
        assertThat(chart.templateError("secrets: [{ secretName: s, key: k, configKey: bullmq.3.password }]"))
                .contains("secrets configKey bullmq.3.password: config.bullmq has no entry 3");
        assertThat(chart.templateError("""
                config: { redis: { main: { password_file: /run/secrets/redis } } }
                secrets: [{ secretName: s, key: k, configKey: redis.main.password }]
                """)).contains("config.redis.main.password is written in config and also comes from secrets[0]");
    }

    @Test
    void aChangedConfigRollsThePod() {
        String before = checksum(chart.template());
        assertThat(checksum(chart.template("logFormat: text"))).isEqualTo(before);
        assertThat(checksum(chart.template("config: { redis: { main: { url: 'redis://redis-2:6379' } }, bullmq: [{ redis: main }] }")))
                .isNotEqualTo(before);
        assertThat(checksum(chart.template("files: { prices.yml: 'models: {}' }"))).isNotEqualTo(before);
    }

    private static String checksum(Rendered r) {
        return (String) map(r.one("Deployment"), "spec.template.metadata.annotations").get("checksum/config");
    }

    private String appVersion() {
        return String.valueOf(map(new Yaml().load(chart.file("Chart.yaml"))).get("appVersion"));
    }
}
