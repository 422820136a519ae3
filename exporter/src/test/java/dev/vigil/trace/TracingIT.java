package dev.vigil.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.support.OtlpReceiver;
import dev.vigil.support.RedisExtension;
import dev.vigil.support.RunningExporter;
import dev.vigil.support.Scrape;
import dev.vigil.support.TestPostgres;
import dev.vigil.support.TestRedis;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Vigil's spans as an OTLP receiver decodes them, and the exemplars that point at them. */
class TracingIT {
    private static final Pattern EXEMPLAR_TRACE = Pattern.compile("trace_id=\"([0-9a-f]{32})\"");

    @RegisterExtension
    static final RedisExtension redis = RedisExtension.flushedBeforeEachTest();

    private static String config(String tracing) {
        return RunningExporter.bullmqConfig(redis.url(), "") + tracing;
    }

    @Test
    void pollSpansWithPipelineChildrenServerSpansAndExemplarsOverHttp() {
        try (OtlpReceiver otlp = new OtlpReceiver()) {
            redis.app().hset("bull:mail:meta", "version", "bullmq:5.81.5");
            try (RunningExporter vigil = RunningExporter.start(config("""
                    tracing:
                      endpoint: %s
                      protocol: http/protobuf
                      sample_ratio: 1
                    """.formatted(otlp.httpEndpoint())))) {
                OtlpReceiver.Received poll = otlp.await(Duration.ofSeconds(15), r -> r.span().getName().equals("vigil.poll")
                        && "ok".equals(r.attribute("vigil.poll.outcome")));
                assertThat(poll.attribute("vigil.source.kind")).isEqualTo("bullmq");
                assertThat(poll.attribute("vigil.source.name")).isEqualTo("bullmq/main/bull");
                assertThat(poll.attribute("vigil.poll.items")).isEqualTo("1");
                assertThat(poll.resourceAttribute("service.name")).isEqualTo("vigil");
                assertThat(poll.resourceAttribute("service.version")).isEqualTo("test");

                OtlpReceiver.Received pipeline = otlp.await(Duration.ofSeconds(10), r -> r.span().getName().equals("PIPELINE")
                        && r.parentSpanId().equals(poll.spanId()));
                assertThat(pipeline.traceId()).isEqualTo(poll.traceId());
                assertThat(pipeline.span().getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT);
                assertThat(pipeline.attribute("db.system.name")).isEqualTo("redis");
                assertThat(pipeline.attribute("db.operation.name")).isEqualTo("PIPELINE");
                assertThat(Long.parseLong(pipeline.attribute("db.operation.batch.size"))).isPositive();

                String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
                vigil.get("/healthz", "traceparent", "00-" + traceId + "-00f067aa0ba902b7-01");
                OtlpReceiver.Received server = otlp.await(Duration.ofSeconds(10), r -> r.traceId().equals(traceId));
                assertThat(server.span().getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_SERVER);
                assertThat(server.parentSpanId()).isEqualTo("00f067aa0ba902b7");
                assertThat(server.span().getName()).isEqualTo("GET /healthz");
                assertThat(server.attribute("http.response.status_code")).isEqualTo("200");

                String om = vigil.get("/metrics", "Accept", "application/openmetrics-text; version=1.0.0").body();
                String bucketLines = om.lines().filter(l -> l.startsWith("vigil_source_poll_duration_seconds_bucket") && l.contains("# {"))
                        .collect(Collectors.joining("\n"));
                Matcher m = EXEMPLAR_TRACE.matcher(bucketLines);
                assertThat(m.find()).as("an exemplar on the poll duration histogram:\n" + om).isTrue();
                String exemplarTrace = m.group(1);
                Set<String> polls = otlp.spans().stream().filter(r -> r.span().getName().equals("vigil.poll"))
                        .map(OtlpReceiver.Received::traceId).collect(Collectors.toSet());
                otlp.await(Duration.ofSeconds(10), r -> r.traceId().equals(exemplarTrace) && r.span().getName().equals("vigil.poll"));
                assertThat(polls.size()).isPositive();
            }
        }
    }

    @Test
    void aPollTakesAsManyRoundTripsForFortyQueuesAsForOne() {
        long one = roundTripsOfASteadyPoll(1, "");
        assertThat(one).isPositive();
        assertThat(roundTripsOfASteadyPoll(40, "")).isEqualTo(one);
    }

    /**
     * A settled poll whose queues are all due for their full read, none of whose lines moved, is one round trip:
     * the times of the jobs next in line go with the read (KnownQueue). They took a second round trip before.
     */
    @Test
    void aFullReadOfQueuesWhoseLinesDidNotMoveIsOneRoundTrip() {
        assertThat(roundTripsOfASteadyPoll(40, "    full_read_interval: 1s\n")).isEqualTo(1);
    }

    /** The PIPELINE spans (one per round trip) under a poll that ran after the queues were discovered. */
    private static long roundTripsOfASteadyPoll(int queues, String bullmqOptions) {
        try (OtlpReceiver otlp = new OtlpReceiver()) {
            for (int i = 0; i < queues; i++) {
                redis.app().hset("bull:q" + i + ":meta", "version", "bullmq:5.81.5");
                redis.app().rpush("bull:q" + i + ":wait", "1", "2");
                redis.app().hset("bull:q" + i + ":2", Map.of("name", "send", "data", "{}", "timestamp", "1000"));
            }
            try (RunningExporter vigil = RunningExporter.start(RunningExporter.bullmqConfig(redis.url(), bullmqOptions) + """
                    tracing:
                      endpoint: %s
                    """.formatted(otlp.httpEndpoint()))) {
                // The third poll: the first waited for discovery, and its spans have all been exported by the time a later one has.
                OtlpReceiver.Received first = otlp.await(Duration.ofSeconds(15), r -> r.span().getName().equals("vigil.poll"));
                OtlpReceiver.Received steady = otlp.await(Duration.ofSeconds(15), r -> r.span().getName().equals("vigil.poll")
                        && r.span().getStartTimeUnixNano() > first.span().getEndTimeUnixNano()
                        && String.valueOf(queues).equals(r.attribute("vigil.poll.items")));
                otlp.await(Duration.ofSeconds(15), r -> r.span().getName().equals("vigil.poll")
                        && r.span().getStartTimeUnixNano() > steady.span().getEndTimeUnixNano() + 500_000_000L);
                return otlp.spans().stream().filter(r -> r.span().getName().equals("PIPELINE")
                        && r.parentSpanId().equals(steady.spanId())).count();
            }
        }
    }

    @Test
    void postgresStatementsAreClientSpansWithTheirLiteralsMasked() throws Exception {
        TestPostgres pg = TestPostgres.shared(TestPostgres.versions().get(0));
        String db = pg.createDatabase("traced");
        pg.executeIn(db, "CREATE TABLE conversations (assistant_type text, status text)",
                "GRANT SELECT ON conversations TO " + TestPostgres.MONITOR_ROLE);
        try (OtlpReceiver otlp = new OtlpReceiver();
             RunningExporter vigil = RunningExporter.start("postgres:\n" + pg.sourceYaml("main", db) + """
                         queries:
                           - name: conversations
                             sql: SELECT assistant_type, count(*) AS active FROM conversations WHERE status = 'active' AND 1.5 > 0 GROUP BY 1
                             columns: { assistant_type: label, active: gauge }
                     tracing:
                       endpoint: %s
                       protocol: http/protobuf
                     """.formatted(otlp.httpEndpoint()))) {
            OtlpReceiver.Received view = otlp.await(Duration.ofSeconds(20), r -> r.span().getName().equals("SELECT pg_stat_database"));
            assertThat(view.span().getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT);
            assertThat(view.attribute("db.system.name")).isEqualTo("postgresql");
            assertThat(view.attribute("db.operation.name")).isEqualTo("SELECT");
            assertThat(view.attribute("db.collection.name")).isEqualTo("pg_stat_database");
            assertThat(view.attribute("db.namespace")).isEqualTo(db);
            OtlpReceiver.Received poll = otlp.await(Duration.ofSeconds(10), r -> r.spanId().equals(view.parentSpanId()));
            assertThat(poll.span().getName()).isEqualTo("vigil.poll");
            assertThat(poll.attribute("vigil.source.kind")).isEqualTo("postgres");
            assertThat(Long.parseLong(poll.attribute("vigil.poll.items")))
                    .isEqualTo((long) pg.queryNumber(db, "SELECT count(*) FROM pg_stat_database WHERE datid <> 0"));

            OtlpReceiver.Received custom = otlp.await(Duration.ofSeconds(10), r -> r.attribute("db.query.text") != null);
            assertThat(custom.attribute("db.query.text"))
                    .isEqualTo("SELECT assistant_type, count(*) AS active FROM conversations WHERE status = ? AND ? > ? GROUP BY ?");
            vigil.scrape();
        }
    }

    @Test
    void aFailedPollRecordsTheExceptionAndAnErrorStatusOverGrpc() {
        try (OtlpReceiver otlp = new OtlpReceiver()) {
            String yaml = """
                    redis:
                      main:
                        url: redis://127.0.0.1:%d
                        connect_timeout: 300ms
                    bullmq:
                      - redis: main
                        interval: 2s
                    tracing:
                      endpoint: %s
                      protocol: grpc
                    """.formatted(TestRedis.freePort(), otlp.httpEndpoint());
            try (RunningExporter vigil = RunningExporter.start(yaml)) {
                OtlpReceiver.Received poll = otlp.await(Duration.ofSeconds(15), r -> r.span().getName().equals("vigil.poll"));
                assertThat(otlp.grpcRequests()).isPositive();
                assertThat(poll.span().getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
                assertThat(poll.attribute("vigil.poll.outcome")).isEqualTo("connection");
                assertThat(poll.span().getEventsList()).anySatisfy(e -> assertThat(e.getName()).isEqualTo("exception"));
            }
        }
    }

    @Test
    void bullmqJobSpansCarryTheJobsRealTimesAndBecomeExemplars() {
        try (OtlpReceiver otlp = new OtlpReceiver()) {
            var app = redis.app();
            app.hset("bull:mail:meta", "version", "bullmq:5.81.5");
            try (RunningExporter vigil = RunningExporter.start(config("""
                    tracing:
                      endpoint: %s
                      protocol: http/protobuf
                      sample_ratio: 1
                      job_traces: { sample_ratio: 1 }
                    """.formatted(otlp.httpEndpoint())))) {
                vigil.awaitScrape(Duration.ofSeconds(10), s -> s.value("bullmq_jobs_completed_total", "redis", "main", "prefix", "bull", "queue", "mail").isPresent());
                long t = 1_790_000_000_000L;
                app.hset("bull:mail:42", Map.of("name", "welcome", "timestamp", Long.toString(t), "delay", "1000",
                        "processedOn", Long.toString(t + 3000), "finishedOn", Long.toString(t + 3500), "atm", "1"));
                app.xadd("bull:mail:events", "event", "completed", "jobId", "42", "returnvalue", "1", "prev", "active");

                OtlpReceiver.Received job = otlp.await(Duration.ofSeconds(15), r -> r.span().getName().equals("bullmq.job mail"));
                assertThat(job.span().getStartTimeUnixNano()).isEqualTo((t + 1000) * 1_000_000);
                assertThat(job.span().getEndTimeUnixNano()).isEqualTo((t + 3500) * 1_000_000);
                assertThat(job.attribute("messaging.system")).isEqualTo("bullmq");
                assertThat(job.attribute("messaging.destination.name")).isEqualTo("mail");
                assertThat(job.attribute("messaging.message.id")).isEqualTo("42");
                assertThat(job.attribute("bullmq.redis")).isEqualTo("main");
                assertThat(job.attribute("bullmq.prefix")).isEqualTo("bull");
                assertThat(job.attribute("bullmq.job.name")).isEqualTo("welcome");
                OtlpReceiver.Received wait = otlp.await(Duration.ofSeconds(10), r -> r.span().getName().equals("wait") && r.parentSpanId().equals(job.spanId()));
                assertThat(wait.span().getEndTimeUnixNano() - wait.span().getStartTimeUnixNano()).isEqualTo(2000L * 1_000_000);
                OtlpReceiver.Received process = otlp.await(Duration.ofSeconds(10), r -> r.span().getName().equals("process") && r.parentSpanId().equals(job.spanId()));
                assertThat(process.span().getEndTimeUnixNano() - process.span().getStartTimeUnixNano()).isEqualTo(500L * 1_000_000);

                String om = vigil.get("/metrics", "Accept", "application/openmetrics-text; version=1.0.0").body();
                String line = om.lines().filter(l -> l.startsWith("bullmq_job_processing_seconds_bucket{") && l.contains("le=\"0.5\""))
                        .findFirst().orElseThrow();
                assertThat(line).contains("trace_id=\"" + job.traceId() + "\"");
            }
        }
    }

    @Test
    void theStandardOtelSettingsOverrideTheYaml() {
        // System properties stand in for OTEL_* variables: OpenTelemetry gives both the same precedence over the YAML.
        try (OtlpReceiver otlp = new OtlpReceiver()) {
            System.setProperty("otel.exporter.otlp.endpoint", otlp.httpEndpoint());
            System.setProperty("otel.service.name", "vigil-sidecar");
            System.setProperty("otel.resource.attributes", "deployment.environment.name=staging");
            try (RunningExporter vigil = RunningExporter.start(config("""
                    tracing:
                      endpoint: http://127.0.0.1:%d
                      protocol: http/protobuf
                    """.formatted(TestRedis.freePort())))) {
                OtlpReceiver.Received poll = otlp.await(Duration.ofSeconds(15), r -> r.span().getName().equals("vigil.poll"));
                assertThat(poll.resourceAttribute("service.name")).isEqualTo("vigil-sidecar");
                assertThat(poll.resourceAttribute("deployment.environment.name")).isEqualTo("staging");
            } finally {
                System.clearProperty("otel.exporter.otlp.endpoint");
                System.clearProperty("otel.service.name");
                System.clearProperty("otel.resource.attributes");
            }
        }
    }

    private static Set<Thread> exporterThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(th -> th.getName().contains("BatchSpanProcessor") || th.getName().toLowerCase().contains("okhttp"))
                .collect(Collectors.toSet());
    }

    @Test
    void anEndpointInTheEnvironmentAloneTurnsTracingOnWithHttpProtobufAndSecretHeadersFromFiles() throws Exception {
        java.nio.file.Path token = java.nio.file.Files.createTempFile("otlp-auth", "");
        java.nio.file.Files.writeString(token, "Bearer s3cret-token\n");
        try (OtlpReceiver otlp = new OtlpReceiver()) {
            // The OpenTelemetry SDK reads the endpoint from the environment or, with the same precedence, a system property.
            System.setProperty("otel.exporter.otlp.endpoint", otlp.httpEndpoint());
            try (RunningExporter vigil = RunningExporter.start(config(""),
                    Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", otlp.httpEndpoint()))) {
                otlp.await(Duration.ofSeconds(15), r -> r.span().getName().equals("vigil.poll"));
                assertThat(otlp.grpcRequests()).as("the documented default protocol is http/protobuf").isZero();
            } finally {
                System.clearProperty("otel.exporter.otlp.endpoint");
            }
        }
        try (OtlpReceiver otlp = new OtlpReceiver();
             RunningExporter vigil = RunningExporter.start(config("""
                     tracing:
                       endpoint: %s
                       headers: { authorization_file: %s, x-tenant: blue }
                     """.formatted(otlp.httpEndpoint(), token)))) {
            otlp.await(Duration.ofSeconds(15), r -> r.span().getName().equals("vigil.poll"));
            Map<String, String> sent = otlp.headers().get(0);
            assertThat(sent).containsEntry("authorization", "Bearer s3cret-token").containsEntry("x-tenant", "blue")
                    .doesNotContainKey("authorization_file");
            assertThat(vigil.get("/").body()).doesNotContain("s3cret-token");
        }
    }

    @Test
    void aPollThatTimesOutRecordsAnErrorStatus() throws Exception {
        // A "Redis" that accepts connections and never answers: every poll runs into its timeout.
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
             OtlpReceiver otlp = new OtlpReceiver()) {
            Thread acceptor = new Thread(() -> {
                java.util.List<java.net.Socket> held = new java.util.ArrayList<>();
                try {
                    while (true) {
                        held.add(silent.accept());
                    }
                } catch (java.io.IOException closed) {
                    held.forEach(s -> { try { s.close(); } catch (java.io.IOException ignored) { } });
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            try (RunningExporter vigil = RunningExporter.start("""
                    redis:
                      main:
                        url: redis://127.0.0.1:%d
                    bullmq:
                      - redis: main
                        interval: 2s
                        timeout: 400ms
                    tracing:
                      endpoint: %s
                    """.formatted(silent.getLocalPort(), otlp.httpEndpoint()))) {
                OtlpReceiver.Received poll = otlp.await(Duration.ofSeconds(20), r -> r.span().getName().equals("vigil.poll"));
                assertThat(poll.attribute("vigil.poll.outcome")).isEqualTo("timeout");
                assertThat(poll.span().getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
                // The first poll of a source is given twice its timeout (a cold JVM; PollEngine).
                assertThat(poll.span().getStatus().getMessage()).isEqualTo("poll took longer than its timeout of 800 ms");
                assertThat(poll.span().getEventsList()).anySatisfy(e -> assertThat(e.getName()).isEqualTo("exception"));
                assertThat(vigil.scrape().require("vigil_source_poll_errors_total", "source", "bullmq/main/bull", "reason", "timeout"))
                        .isPositive();
            }
        }
    }

    @Test
    void aDisabledTracingSectionSendsNothingToItsEndpoint() {
        try (OtlpReceiver otlp = new OtlpReceiver();
             RunningExporter vigil = RunningExporter.start(config("""
                     tracing:
                       enabled: false
                       endpoint: %s
                     """.formatted(otlp.httpEndpoint())))) {
            vigil.awaitScrape(Duration.ofSeconds(10), s -> s.require("vigil_source_up", "source", "bullmq/main/bull") == 1.0);
            vigil.scrapeAfterNextPoll("bullmq/main/bull");
            RunningExporter.sleep(1500); // longer than the span processor's export delay
            assertThat(otlp.requests()).isZero();
        }
    }

    @Test
    void tracingOffByDefaultSendsNothingAndStartsNoExporterThread() {
        try (OtlpReceiver otlp = new OtlpReceiver()) {
            Set<Thread> exportersBefore = exporterThreads();
            try (RunningExporter vigil = RunningExporter.start(config(""))) {
                Scrape first = vigil.awaitScrape(Duration.ofSeconds(10), s -> s.require("vigil_source_up", "source", "bullmq/main/bull") == 1.0);
                vigil.scrapeAfterNextPoll("bullmq/main/bull");
                RunningExporter.sleep(1500); // longer than the span processor's export delay, had one existed
                assertThat(otlp.requests()).isZero();
                // Other tests in this JVM may have left exporter threads winding down: only new ones count.
                Set<Thread> started = exporterThreads();
                started.removeAll(exportersBefore);
                assertThat(started).isEmpty();
                assertThat(vigil.get("/metrics", "Accept", "application/openmetrics-text; version=1.0.0").body()).doesNotContain("trace_id");
                assertThat(first.body()).isNotEmpty();
            }
        }
    }
}
