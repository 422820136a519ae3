package dev.vigil.llm.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.support.RunningExporter;
import dev.vigil.support.SdkSender;
import dev.vigil.support.Scrape;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.sdk.resources.Resource;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** An application instrumented with the OpenTelemetry SDK sends its GenAI telemetry to Vigil over OTLP/HTTP. */
class OtlpIngestIT {
    private static final String CONFIG = """
            llm:
              labels: [tenant]
              otlp:
                labels:
                  tenant: {attribute: app.tenant_id}
            """;
    private static final Resource CHAT_API = SdkSender.resource("chat-api", "pod-1", Map.of("app.tenant_id", "acme"));

    @ParameterizedTest
    @ValueSource(strings = {"protobuf", "json", "protobuf+gzip", "json+gzip"})
    void genAiSpansBecomeExactTokensAndDollarsWithTheirTraceAsExemplar(String encoding) {
        try (RunningExporter vigil = RunningExporter.start(CONFIG);
             SdkSender app = new SdkSender(vigil.baseUrl(), encoding, CHAT_API, false)) {
            // Two calls as the OpenAI instrumentations record them: the answering model is a dated snapshot.
            String firstTrace = app.span("chat gpt-4o-mini", false, "gen_ai.operation.name", "chat", "gen_ai.provider.name", "openai",
                    "gen_ai.request.model", "gpt-4o-mini", "gen_ai.response.model", "gpt-4o-mini-2024-07-18",
                    "gen_ai.usage.input_tokens", 1200L, "gen_ai.usage.output_tokens", 300L, "gen_ai.usage.cache_read.input_tokens", 200L);
            String secondTrace = app.span("chat gpt-4o-mini", false, "gen_ai.provider.name", "openai", "gen_ai.request.model", "gpt-4o-mini",
                    "gen_ai.response.model", "gpt-4o-mini-2024-07-18", "gen_ai.usage.input_tokens", 1200L,
                    "gen_ai.usage.output_tokens", 300L, "gen_ai.usage.cache_read.input_tokens", 200L);
            // A failed call with no usage and a span that is no GenAI call at all: neither moves the token counters.
            app.span("GET /health", false, "http.request.method", "GET");
            app.span("chat gpt-4o-mini", true, "gen_ai.provider.name", "openai", "gen_ai.request.model", "gpt-4o-mini",
                    "gen_ai.usage.input_tokens", 0L, "gen_ai.usage.output_tokens", 0L, "error.type", "RateLimitError");
            app.flushSpans();

            Scrape s = vigil.scrape();
            String[] series = {"provider", "openai", "model", "gpt-4o-mini-2024-07-18", "tenant", "acme"};
            assertThat(s.require("llm_tokens_total", with(series, "type", "input"))).isEqualTo(2400);
            assertThat(s.require("llm_tokens_total", with(series, "type", "output"))).isEqualTo(600);
            assertThat(s.require("llm_tokens_total", with(series, "type", "cached_input"))).isEqualTo(400);
            // gpt-4o-mini per million: $0.15 input, $0.075 cached input, $0.60 output.
            // One call: 1000 x 0.15 + 200 x 0.075 + 300 x 0.60 = $345 per million calls = $0.000345.
            assertThat(s.require("llm_cost_usd_total", series)).isEqualTo(0.00069);
            assertThat(s.require("llm_requests_total", "provider", "openai", "model", "gpt-4o-mini-2024-07-18", "status", "ok")).isEqualTo(2);
            assertThat(s.require("llm_requests_total", "provider", "openai", "model", "gpt-4o-mini", "status", "rate_limited")).isEqualTo(1);
            assertThat(s.require("llm_otlp_received_total", "signal", "traces", "outcome", "usage")).isEqualTo(3);
            assertThat(s.require("llm_otlp_received_total", "signal", "traces", "outcome", "ignored")).isEqualTo(1);

            // The exporter sends each span as it ends, in parallel: either call may be the last one Vigil received.
            String om = vigil.get("/metrics", "Accept", "application/openmetrics-text; version=1.0.0").body();
            assertThat(om).containsPattern("llm_cost_usd_total\\{model=\"gpt-4o-mini-2024-07-18\",provider=\"openai\",tenant=\"acme\"\\} 6\\.9E-4 "
                    + "# \\{span_id=\"[0-9a-f]{16}\",trace_id=\"(" + firstTrace + "|" + secondTrace + ")\"\\} 3\\.45E-4 ");
        }
    }

    @Test
    void aPayloadCapturedFromOpenLlmetrysNodeSdk() throws Exception {
        // See src/test/resources/otlp/README.md for how it was captured.
        byte[] body;
        try (var in = OtlpIngestIT.class.getResourceAsStream("/otlp/openllmetry-node-openai-chat.pb")) {
            body = in.readAllBytes();
        }
        String trace = HexFormat.of().formatHex(ExportTraceServiceRequest.parseFrom(body).getResourceSpans(0).getScopeSpans(0).getSpans(0)
                .getTraceId().toByteArray());
        try (RunningExporter vigil = RunningExporter.start("llm:\n  otlp: {enabled: true}\n")) {
            assertThat(vigil.post("/v1/traces", body, "Content-Type", "application/x-protobuf").statusCode()).isEqualTo(200);
            Scrape s = vigil.scrape();
            String[] series = {"provider", "openai", "model", "gpt-4o-mini-2024-07-18"};
            assertThat(s.require("llm_tokens_total", with(series, "type", "input"))).isEqualTo(1200);
            assertThat(s.require("llm_tokens_total", with(series, "type", "output"))).isEqualTo(300);
            // 1200 x $0.15 + 300 x $0.60 per million: the instrumentation does not report the cached part.
            assertThat(s.require("llm_cost_usd_total", series)).isEqualTo(0.00036);
            assertThat(s.require("llm_requests_total", with(series, "status", "ok"))).isEqualTo(1);
            assertThat(vigil.get("/metrics", "Accept", "application/openmetrics-text; version=1.0.0").body())
                    .contains("llm_cost_usd_total{model=\"gpt-4o-mini-2024-07-18\",provider=\"openai\"} 3.6E-4 # {span_id=")
                    .contains("trace_id=\"" + trace + "\"} 3.6E-4 ");
        }
    }

    @Test
    void olderAttributeNamesAndAnthropicsOwnInputCountAreRead() {
        try (RunningExporter vigil = RunningExporter.start(CONFIG);
             SdkSender app = new SdkSender(vigil.baseUrl(), "protobuf", CHAT_API, false)) {
            // gen_ai.system, prompt/completion tokens and OpenLLMetry's cache attribute, with an input count that leaves
            // the cache read out (as Anthropic's API reports it): 100 uncached + 1000 read from the cache.
            app.span("anthropic.chat", false, "gen_ai.system", "anthropic", "gen_ai.request.model", "claude-haiku-4-5",
                    "gen_ai.usage.prompt_tokens", 100L, "gen_ai.usage.completion_tokens", 50L,
                    "gen_ai.usage.cache_read_input_tokens", 1000L, "vigil.llm.batch", true);
            app.flushSpans();

            Scrape s = vigil.scrape();
            String[] series = {"provider", "anthropic", "model", "claude-haiku-4-5", "tenant", "acme"};
            assertThat(s.require("llm_tokens_total", with(series, "type", "input"))).isEqualTo(1100);
            assertThat(s.require("llm_tokens_total", with(series, "type", "cached_input"))).isEqualTo(1000);
            assertThat(s.require("llm_tokens_total", with(series, "type", "output"))).isEqualTo(50);
            // claude-haiku-4-5 per million: $1 input, $0.10 cache read, $5 output: 100 + 100 + 250 = $450 per million.
            assertThat(s.require("llm_cost_usd_total", series)).isEqualTo(0.00045);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"protobuf", "json+gzip"})
    void deltaTokenMetricsAddUp(String encoding) {
        try (RunningExporter vigil = RunningExporter.start(CONFIG);
             SdkSender app = new SdkSender(vigil.baseUrl(), encoding, CHAT_API, true)) {
            app.tokens(1000, "input", "gpt-4o-mini", "openai");
            app.tokens(500, "output", "gpt-4o-mini", "openai");
            app.flushMetrics();
            app.tokens(3000, "input", "gpt-4o-mini", "openai");
            app.flushMetrics();
            app.flushMetrics(); // nothing new: a delta export adds nothing

            Scrape s = vigil.scrape();
            String[] series = {"provider", "openai", "model", "gpt-4o-mini", "tenant", "acme"};
            assertThat(s.require("llm_tokens_total", with(series, "type", "input"))).isEqualTo(4000);
            assertThat(s.require("llm_tokens_total", with(series, "type", "output"))).isEqualTo(500);
            // 4000 x 0.15 + 500 x 0.60 = $900 per million.
            assertThat(s.require("llm_cost_usd_total", series)).isEqualTo(0.0009);
            assertThat(s.require("llm_requests_total", "provider", "openai", "model", "gpt-4o-mini", "status", "ok")).isEqualTo(2);
        }
    }

    @Test
    void cumulativeTokenMetricsSurviveASenderRestartWithoutGoingBackOrCountingTwice() {
        try (RunningExporter vigil = RunningExporter.start(CONFIG)) {
            try (SdkSender app = new SdkSender(vigil.baseUrl(), "protobuf", CHAT_API, false)) {
                app.tokens(1000, "input", "gpt-4o-mini", "openai");
                app.flushMetrics();
                app.tokens(2000, "input", "gpt-4o-mini", "openai");
                app.flushMetrics(); // cumulative 3000: adds 2000
                app.flushMetrics(); // cumulative 3000 again: adds nothing
            }
            // The same service restarts: its cumulative sums begin again at a new start time.
            try (SdkSender restarted = new SdkSender(vigil.baseUrl(), "protobuf", CHAT_API, false)) {
                restarted.tokens(500, "input", "gpt-4o-mini", "openai");
                restarted.flushMetrics();
            }
            assertThat(vigil.scrape().require("llm_tokens_total", "provider", "openai", "model", "gpt-4o-mini", "tenant", "acme",
                    "type", "input")).isEqualTo(3500);
        }
    }

    @Test
    void afterAVigilRestartACumulativeSeriesOlderThanVigilIsABaselineNotCountedAgain() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        String config = "server:\n  listen: 127.0.0.1:" + port + "\n" + CONFIG;
        try (SdkSender app = new SdkSender("http://127.0.0.1:" + port, "protobuf", CHAT_API, false)) {
            try (RunningExporter first = RunningExporter.start(config)) {
                app.tokens(7000, "input", "gpt-4o-mini", "openai");
                app.flushMetrics();
                assertThat(first.scrape().require("llm_tokens_total", "provider", "openai", "model", "gpt-4o-mini", "tenant", "acme",
                        "type", "input")).isEqualTo(7000);
            }
            // Vigil restarts while the application runs on: the application's sums hold what the first Vigil
            // counted, so the new one takes them as a baseline (the 40 tokens of the restart's interval are not
            // told apart from them) and counts growth from there.
            try (RunningExporter second = RunningExporter.start(config)) {
                app.tokens(40, "input", "gpt-4o-mini", "openai");
                app.flushMetrics();
                app.tokens(5, "input", "gpt-4o-mini", "openai");
                app.flushMetrics();
                assertThat(second.scrape().require("llm_tokens_total", "provider", "openai", "model", "gpt-4o-mini", "tenant", "acme",
                        "type", "input")).isEqualTo(5);
            }
        }
    }

    @Test
    void onceASenderSendsGenAiSpansItsTokenMetricsAreLeftOut() {
        Resource other = SdkSender.resource("batch-worker", "pod-7", Map.of("app.tenant_id", "globex"));
        try (RunningExporter vigil = RunningExporter.start(CONFIG);
             SdkSender app = new SdkSender(vigil.baseUrl(), "protobuf", CHAT_API, true);
             SdkSender worker = new SdkSender(vigil.baseUrl(), "protobuf", other, true)) {
            // The same call recorded twice by one application: as a span and on the token histogram.
            app.span("chat gpt-4o-mini", false, "gen_ai.provider.name", "openai", "gen_ai.request.model", "gpt-4o-mini",
                    "gen_ai.usage.input_tokens", 100L, "gen_ai.usage.output_tokens", 10L);
            app.tokens(100, "input", "gpt-4o-mini", "openai");
            app.tokens(10, "output", "gpt-4o-mini", "openai");
            app.flushSpans();
            app.flushMetrics();
            // Another application sends metrics only: they count.
            worker.tokens(900, "input", "gpt-4o-mini", "openai");
            worker.flushMetrics();

            Scrape s = vigil.scrape();
            assertThat(s.require("llm_tokens_total", "provider", "openai", "model", "gpt-4o-mini", "tenant", "acme", "type", "input")).isEqualTo(100);
            assertThat(s.require("llm_tokens_total", "provider", "openai", "model", "gpt-4o-mini", "tenant", "acme", "type", "output")).isEqualTo(10);
            assertThat(s.require("llm_tokens_total", "provider", "openai", "model", "gpt-4o-mini", "tenant", "globex", "type", "input")).isEqualTo(900);
            assertThat(s.require("llm_otlp_received_total", "signal", "metrics", "outcome", "ignored")).isEqualTo(2);
            assertThat(s.require("llm_otlp_received_total", "signal", "metrics", "outcome", "usage")).isEqualTo(1);
        }
    }

    private static String[] with(String[] labels, String name, String value) {
        String[] out = java.util.Arrays.copyOf(labels, labels.length + 2);
        out[labels.length] = name;
        out[labels.length + 1] = value;
        return out;
    }
}
