package dev.vigil.support;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A real Prometheus (Debian's {@code prometheus} package) on a free loopback port, scraping the given
 * targets with the given rule files and, optionally, sending alerts to an Alertmanager. Its data lives in
 * a temporary folder removed on close. In CI a missing binary fails the test; elsewhere it is skipped loudly.
 */
public final class PrometheusServer implements AutoCloseable {
    private static final String BINARY = System.getProperty("vigil.prometheus", "prometheus");

    private final ServerProcess server;

    private PrometheusServer(ServerProcess server) {
        this.server = server;
    }

    /** Fails in CI and skips elsewhere when Debian's prometheus (and its promtool) is not installed. */
    public static void requireInstalled() {
        ExternalTool.require(ExternalTool.onPath(BINARY, "--version") && ExternalTool.onPath("promtool", "--version"),
                "prometheus and promtool", "apt-get install prometheus");
    }

    /** What to start: scrape targets ({@code host:port}), rule files, intervals, an optional Alertmanager, exemplar storage. */
    public record Setup(List<String> targets, List<Path> ruleFiles, Duration scrapeInterval,
                        Duration evaluationInterval, String alertmanager, boolean exemplarStorage, boolean nativeHistograms,
                        String scrapeOptions) {
        public static Setup scraping(String... targets) {
            return new Setup(List.of(targets), List.of(), Duration.ofSeconds(1), Duration.ofSeconds(1), null, false, false, "");
        }

        /** Extra keys of the scrape job (e.g. {@code scheme}, {@code tls_config}, {@code basic_auth}), each line indented by four spaces. */
        public Setup withScrapeOptions(String yamlLines) {
            return new Setup(targets, ruleFiles, scrapeInterval, evaluationInterval, alertmanager, exemplarStorage, nativeHistograms, yamlLines);
        }

        public Setup withRules(List<Path> files) {
            return new Setup(targets, files, scrapeInterval, evaluationInterval, alertmanager, exemplarStorage, nativeHistograms, scrapeOptions);
        }

        /** {@code host:port} of an Alertmanager to send alerts to. */
        public Setup withAlertmanager(String hostPort) {
            return new Setup(targets, ruleFiles, scrapeInterval, evaluationInterval, hostPort, exemplarStorage, nativeHistograms, scrapeOptions);
        }

        /** Keeps the exemplars of scraped series ({@code --enable-feature=exemplar-storage}), for {@link #exemplars}. */
        public Setup withExemplarStorage() {
            return new Setup(targets, ruleFiles, scrapeInterval, evaluationInterval, alertmanager, true, nativeHistograms, scrapeOptions);
        }

        /** Scrapes protobuf first and stores native histograms ({@code --enable-feature=native-histograms}). */
        public Setup withNativeHistograms() {
            return new Setup(targets, ruleFiles, scrapeInterval, evaluationInterval, alertmanager, exemplarStorage, true, scrapeOptions);
        }
    }

    public static PrometheusServer start(Setup setup) {
        requireInstalled();
        try {
            Path work = Files.createTempDirectory("vigil-prometheus");
            Files.writeString(work.resolve("prometheus.yml"), config(setup));
            int port = TestRedis.freePort();
            List<String> command = new ArrayList<>(List.of(BINARY,
                    "--config.file=" + work.resolve("prometheus.yml"),
                    "--storage.tsdb.path=" + work.resolve("data"),
                    "--web.listen-address=127.0.0.1:" + port,
                    // Lets a test ask for a short lookback without touching the rules under test.
                    "--query.lookback-delta=5m"));
            if (setup.exemplarStorage()) {
                command.add("--enable-feature=exemplar-storage");
            }
            if (setup.nativeHistograms()) {
                command.add("--enable-feature=native-histograms");
            }
            ServerProcess server = ServerProcess.start("prometheus", work, port, command);
            try {
                server.awaitReady("/-/ready");
            } catch (AssertionError notReady) {
                server.close();
                throw notReady;
            }
            return new PrometheusServer(server);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String config(Setup setup) {
        StringBuilder yaml = new StringBuilder();
        yaml.append("global:\n")
                .append("  scrape_interval: ").append(setup.scrapeInterval().toMillis()).append("ms\n")
                .append("  evaluation_interval: ").append(setup.evaluationInterval().toMillis()).append("ms\n");
        if (!setup.ruleFiles().isEmpty()) {
            yaml.append("rule_files:\n");
            setup.ruleFiles().forEach(f -> yaml.append("  - ").append(f.toAbsolutePath()).append('\n'));
        }
        if (setup.alertmanager() != null) {
            yaml.append("alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: ['")
                    .append(setup.alertmanager()).append("']\n");
        }
        yaml.append("scrape_configs:\n  - job_name: vigil\n").append(setup.scrapeOptions()).append("    static_configs:\n      - targets: [");
        yaml.append(String.join(", ", setup.targets().stream().map(t -> "'" + t + "'").toList()));
        yaml.append("]\n");
        return yaml.toString();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    /** Prometheus' own log, for failure messages. */
    public String log() {
        return server.log();
    }

    /** The {@code data.result} array of an instant query at the current time. */
    public JsonArray query(String promql) {
        HttpResponse<String> r = get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        JsonObject body = new JsonObject(r.body());
        if (r.statusCode() != 200 || !"success".equals(body.getString("status"))) {
            throw new AssertionError("query failed (" + r.statusCode() + "): " + promql + "\n" + r.body());
        }
        return body.getJsonObject("data").getJsonArray("result");
    }

    /** The value of the single series an instant query returns; fails unless exactly one comes back. */
    public double value(String promql) {
        JsonArray result = query(promql);
        if (result.size() != 1) {
            throw new AssertionError("expected one series from " + promql + ", got " + result.encodePrettily());
        }
        return Double.parseDouble(result.getJsonObject(0).getJsonArray("value").getString(1));
    }

    /** Re-runs the query until the condition holds on its result; fails after the timeout with the last result. */
    public JsonArray awaitQuery(String promql, Duration timeout, Predicate<JsonArray> condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonArray last = query(promql);
        while (!condition.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("within " + timeout + ", " + promql + " never met the condition; last result: "
                        + last.encode());
            }
            RunningExporter.sleep(250);
            last = query(promql);
        }
        return last;
    }

    /** The exemplars of the series a query reads, over the last {@code window} ({@code /api/v1/query_exemplars}). */
    public JsonArray exemplars(String promql, Duration window) {
        long now = System.currentTimeMillis() / 1000;
        HttpResponse<String> r = get("/api/v1/query_exemplars?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)
                + "&start=" + (now - window.toSeconds()) + "&end=" + (now + 1));
        JsonObject body = new JsonObject(r.body());
        if (r.statusCode() != 200 || !"success".equals(body.getString("status"))) {
            throw new AssertionError("exemplar query failed (" + r.statusCode() + "): " + promql + "\n" + r.body());
        }
        return body.getJsonArray("data");
    }

    /** Alerts as the rule manager sees them now ({@code /api/v1/alerts}): name, labels, state. */
    public List<JsonObject> alerts() {
        JsonObject body = new JsonObject(get("/api/v1/alerts").body());
        List<JsonObject> out = new ArrayList<>();
        body.getJsonObject("data").getJsonArray("alerts").forEach(a -> out.add((JsonObject) a));
        return out;
    }

    /** Scrape targets with their health, for waiting until Vigil is scraped and for failure messages. */
    public JsonArray targets() {
        return new JsonObject(get("/api/v1/targets").body()).getJsonObject("data").getJsonArray("activeTargets");
    }

    public HttpResponse<String> get(String path) {
        return server.get(path);
    }

    @Override
    public void close() {
        server.close();
    }
}
