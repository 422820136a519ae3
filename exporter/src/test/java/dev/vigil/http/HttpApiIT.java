package dev.vigil.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.support.ProtobufScrape;
import dev.vigil.support.RedisExtension;
import dev.vigil.support.RunningExporter;
import dev.vigil.support.Scrape;
import dev.vigil.support.TestRedis;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_35_0.Metrics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class HttpApiIT {
    private static final String PROTOBUF = "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited";
    @RegisterExtension
    static final RedisExtension redis = RedisExtension.keptAcrossTests();

    @BeforeAll
    static void mailQueue() {
        redis.app().hset("bull:mail:meta", "version", "bullmq:5.81.5");
        redis.app().lpush("bull:mail:wait", "1", "2", "3");
    }

    private static String configNoPassword() {
        return RunningExporter.bullmqConfig(redis.url(), "");
    }

    @Test
    void readyOnlyAfterTheFirstPollAndHealthyAlways() {
        // A Redis that never answers (nothing listens there) still makes Vigil ready once the poll has failed.
        String yaml = """
                redis:
                  main:
                    url: redis://127.0.0.1:%d
                    connect_timeout: 300ms
                bullmq:
                  - redis: main
                    interval: 30s
                """.formatted(TestRedis.freePort());
        try (RunningExporter vigil = RunningExporter.start(yaml)) {
            assertThat(vigil.get("/healthz").statusCode()).isEqualTo(200);
            HttpResponse<String> early = vigil.get("/readyz");
            if (early.statusCode() == 503) {
                assertThat(early.body()).isEqualTo("waiting for the first poll of: bullmq/main/bull\n");
            }
            Scrape s = vigil.awaitScrape(Duration.ofSeconds(10), x -> x.value("vigil_source_poll_errors_total",
                    "source", "bullmq/main/bull", "reason", "connection").orElse(0.0) == 1.0);
            assertThat(vigil.get("/readyz").statusCode()).isEqualTo(200);
            assertThat(s.require("vigil_source_up", "source", "bullmq/main/bull")).isEqualTo(0.0);
            assertThat(s.require("vigil_source_last_success_timestamp_seconds", "source", "bullmq/main/bull")).isEqualTo(0.0);
            assertThat(s.require("vigil_source_poll_interval_seconds", "source", "bullmq/main/bull")).isEqualTo(30.0);
            assertThat(s.hasFamily("bullmq_job_count")).isFalse();
        }
    }

    @Test
    void statusPageShowsSourcesAndRedactsSecrets() {
        // The password is wrong, so the poll fails with an auth error that must not echo it.
        try (TestRedis guarded = TestRedis.startWithPassword("the-real-one");
             RunningExporter vigil = RunningExporter.start("""
                     redis:
                       main:
                         url: redis://:hunter2-secret@127.0.0.1:%d
                     bullmq:
                       - redis: main
                         interval: 200ms
                     """.formatted(guarded.port()))) {
            vigil.awaitScrape(Duration.ofSeconds(10), x -> x.require("vigil_source_poll_errors_total", "source", "bullmq/main/bull", "reason", "auth") >= 1);
            HttpResponse<String> page = vigil.get("/");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
            assertThat(page.body()).contains("<h1>Vigil test</h1>", "bullmq/main/bull", "<td>down</td>", "href=\"/metrics\"")
                    .doesNotContain("hunter2-secret");
            assertThat(vigil.scrape().body()).doesNotContain("hunter2-secret");
        }
    }

    @Test
    void metricsInTextOpenMetricsAndGzip() throws IOException {
        try (RunningExporter vigil = RunningExporter.start(configNoPassword())) {
            vigil.awaitScrape(Duration.ofSeconds(10), x -> x.value("bullmq_job_count", "redis", "main", "prefix", "bull", "queue", "mail", "state", "waiting").isPresent());

            HttpResponse<String> text = vigil.get("/metrics");
            assertThat(text.headers().firstValue("Content-Type")).contains("text/plain; version=0.0.4; charset=utf-8");
            assertThat(text.body()).contains("# TYPE bullmq_job_count gauge",
                    "bullmq_job_count{prefix=\"bull\",queue=\"mail\",redis=\"main\",state=\"waiting\"} 3",
                    "vigil_build_info{version=\"test\"} 1", "jvm_memory_used_bytes");

            HttpResponse<String> om = vigil.get("/metrics", "Accept", "application/openmetrics-text; version=1.0.0; charset=utf-8");
            assertThat(om.headers().firstValue("Content-Type")).contains("application/openmetrics-text; version=1.0.0; charset=utf-8");
            assertThat(om.body()).contains("# TYPE vigil_build info").endsWith("# EOF\n");

            assertThat(om.body().split("# EOF\n", -1)).as("one # EOF, at the very end").hasSize(2);

            HttpResponse<byte[]> gz = vigil.getBytes("/metrics", "Accept-Encoding", "gzip");
            assertThat(gz.headers().firstValue("Content-Encoding")).contains("gzip");
            String unzipped = new String(new GZIPInputStream(new ByteArrayInputStream(gz.body())).readAllBytes(), StandardCharsets.UTF_8);
            assertThat(unzipped).contains("bullmq_job_count{prefix=\"bull\",queue=\"mail\",redis=\"main\",state=\"waiting\"} 3", "jvm_memory_used_bytes");

            // A coding Vigil does not cache is not applied by the server either: the body comes plain.
            HttpResponse<String> deflate = vigil.get("/metrics", "Accept-Encoding", "deflate");
            assertThat(deflate.headers().firstValue("Content-Encoding")).isEmpty();
            assertThat(deflate.body()).contains("bullmq_job_count{prefix=\"bull\",queue=\"mail\",redis=\"main\",state=\"waiting\"} 3");
            assertThat(vigil.get("/metrics", "Accept-Encoding", "gzip;q=0").headers().firstValue("Content-Encoding")).isEmpty();
        }
    }

    /** The cached families and Micrometer's are rendered apart and joined: no family may come from both. */
    @Test
    void everyFamilyOnceInEachFormat() throws IOException {
        try (RunningExporter vigil = RunningExporter.start(configNoPassword())) {
            vigil.awaitScrape(Duration.ofSeconds(10), x -> x.value("bullmq_job_count", "redis", "main", "prefix", "bull", "queue", "mail", "state", "waiting").isPresent());
            for (String accept : new String[] {"text/plain", "application/openmetrics-text; version=1.0.0"}) {
                List<String> types = vigil.get("/metrics", "Accept", accept).body().lines().filter(l -> l.startsWith("# TYPE ")).toList();
                assertThat(types).as(accept).doesNotHaveDuplicates().hasSizeGreaterThan(20);
            }
            List<String> names = new ProtobufScrape(vigil.getBytes("/metrics", "Accept", PROTOBUF).body()).families().stream()
                    .map(f -> f.getName()).toList();
            assertThat(names).doesNotHaveDuplicates().contains("bullmq_job_count", "vigil_source_poll_duration_seconds", "jvm_memory_used_bytes");
        }
    }

    @Test
    void protobufCarriesTheTextBodysValuesAndNativeBuckets() throws IOException {
        // One poll every 30 s: the two scrapes below see the same poll.
        try (RunningExporter vigil = RunningExporter.start(RunningExporter.bullmqConfig(redis.url(), "").replace("200ms", "30s"))) {
            Scrape text = vigil.awaitScrape(Duration.ofSeconds(10),
                    x -> x.value("vigil_source_poll_duration_seconds_count", "source", "bullmq/main/bull").orElse(0.0) == 1.0);
            HttpResponse<byte[]> response = vigil.getBytes("/metrics", "Accept", PROTOBUF + ";q=0.9,text/plain;q=0.5", "Accept-Encoding", "gzip");
            assertThat(response.headers().firstValue("Content-Type")).contains(PROTOBUF);
            assertThat(response.headers().firstValue("Content-Encoding")).contains("gzip");
            ProtobufScrape proto = new ProtobufScrape(new GZIPInputStream(new ByteArrayInputStream(response.body())).readAllBytes());

            // Everything but what moves between two scrapes of a running JVM (memory, CPU, the decaying poll maximum).
            Map<String, Double> stable = new TreeMap<>();
            text.series().forEach((k, v) -> {
                if (!k.matches("(jvm|process|system)_.*|vigil_source_poll_duration_seconds_max.*")) {
                    stable.put(k, v);
                }
            });
            assertThat(stable).containsKeys("bullmq_job_count{prefix=\"bull\",queue=\"mail\",redis=\"main\",state=\"waiting\"}",
                    "vigil_source_poll_duration_seconds_bucket{le=\"+Inf\",source=\"bullmq/main/bull\"}", "vigil_build_info{version=\"test\"}");
            assertThat(proto.series()).containsAllEntriesOf(stable);

            Metrics.Histogram poll = proto.metric("vigil_source_poll_duration_seconds", "source", "bullmq/main/bull").orElseThrow().getHistogram();
            assertThat(poll.getSchema()).isEqualTo(3);
            assertThat(poll.getZeroThreshold()).isPositive();
            assertThat(poll.getPositiveSpanList()).hasSize(1);
            assertThat(poll.getPositiveSpan(0).getLength()).isEqualTo(1);
            assertThat(poll.getPositiveDeltaList()).containsExactly(1L);
            // The one observation lies in its native bucket (2^((i-1)/8), 2^(i/8)], and is the sum.
            int index = poll.getPositiveSpan(0).getOffset();
            assertThat(poll.getSampleSum()).isGreaterThan(Math.pow(2, (index - 1) / 8.0)).isLessThanOrEqualTo(Math.pow(2, index / 8.0));
        }
    }

    @Test
    void unknownPathsAndMethodsGetClear4xx() throws Exception {
        try (RunningExporter vigil = RunningExporter.start(configNoPassword())) {
            HttpResponse<String> missing = vigil.get("/metricz");
            assertThat(missing.statusCode()).isEqualTo(404);
            assertThat(missing.body()).isEqualTo("no such endpoint: /metricz (try /metrics, /healthz, /readyz or /)\n");

            HttpResponse<String> post = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(vigil.baseUrl() + "/metrics"))
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString("x")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);
            assertThat(post.body()).isEqualTo("POST is not allowed on /metrics; use GET\n");
        }
    }
}
