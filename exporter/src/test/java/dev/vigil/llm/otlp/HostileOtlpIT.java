package dev.vigil.llm.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.vigil.support.RunningExporter;
import dev.vigil.support.SdkSender;
import dev.vigil.support.Scrape;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** Malformed and hostile OTLP bodies get the right 4xx, and nothing of them is counted. */
class HostileOtlpIT {
    private static final String CONFIG = "llm:\n  otlp: {enabled: true}\n";
    private static final String TRACE = "5b8efff798038103d269b633813fc60c";
    private static final String SPAN = "eee19b7ec3c1b174";
    /** A valid GenAI span in OTLP/JSON, to show a bad neighbour in the same body takes it down too. */
    private static final String GOOD_JSON_SPAN = span(TRACE, "{\"intValue\":\"1000\"}");

    @Test
    void undecodableBodiesAre400AndCountNothing() throws IOException {
        try (RunningExporter vigil = RunningExporter.start(CONFIG)) {
            // A length that runs past the end of the body.
            assertRefused(vigil, 400, "application/x-protobuf", new byte[] {0x0a, (byte) 0xff, (byte) 0xff, 0x0f, 0x01}, "runs past");
            // A valid span next to one whose trace id is 3 bytes long.
            byte[] badId = request(genAiSpan(ByteString.copyFrom(new byte[16]).concat(ByteString.copyFrom(new byte[] {1})), 1000),
                    genAiSpan(ByteString.fromHex(TRACE), 1000)).toByteArray();
            assertRefused(vigil, 400, "application/x-protobuf", badId, "trace id must be 16 bytes");
            assertRefused(vigil, 400, "application/json", json("{\"resourceSpans\":5}"), "resourceSpans must be an array");
            assertRefused(vigil, 400, "application/json", json(spans(GOOD_JSON_SPAN + "," + span("not-hex-" + TRACE.substring(8), "{\"intValue\":\"5\"}"))),
                    "traceId must be 32 hex digits");
            assertRefused(vigil, 400, "application/json", json(spans(GOOD_JSON_SPAN + "," + span(TRACE, "{\"intValue\":\"12x\"}"))), "intValue must be");
            assertRefused(vigil, 400, "application/json", json(spans(GOOD_JSON_SPAN + "," + span(TRACE, "{\"intValue\":[1]}"))), "intValue must be");
            assertRefused(vigil, 400, "application/json", json("{\"resourceSpans\":[" + "[".repeat(5000) + "]".repeat(5000) + "]}"), "not a JSON object");
            assertRefused(vigil, 400, "application/json", json("{\"resourceSpans\":[{\"scopeSpans\":"), "not a JSON object");
            assertRefused(vigil, 400, "application/x-protobuf", new byte[] {1, 2, 3}, "not valid gzip", "Content-Encoding", "gzip");

            Scrape s = vigil.scrape();
            assertThat(s.series().keySet()).noneMatch(k -> k.startsWith("llm_tokens_total") || k.startsWith("llm_cost_usd_total"));
            assertThat(s.require("llm_otlp_refused_requests_total", "signal", "traces", "status", "400")).isEqualTo(9);
        }
    }

    @Test
    void oversizedBodiesAndGzipBombsAre413() throws IOException {
        try (RunningExporter vigil = RunningExporter.start(CONFIG)) {
            assertRefused(vigil, 413, "application/x-protobuf", new byte[2 * 1024 * 1024], "larger than 1048576 bytes");
            // 64 MiB of zeros packs into about 64 KiB: inflating stops at the body limit.
            ByteArrayOutputStream bomb = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(bomb)) {
                byte[] zeros = new byte[1 << 20];
                for (int i = 0; i < 64; i++) {
                    gz.write(zeros);
                }
            }
            assertThat(bomb.size()).isLessThan(256 * 1024);
            assertRefused(vigil, 413, "application/x-protobuf", bomb.toByteArray(), "after gzip decompression", "Content-Encoding", "gzip");
            assertThat(vigil.scrape().require("llm_otlp_refused_requests_total", "signal", "traces", "status", "413")).isEqualTo(2);
        }
    }

    @Test
    void otherMediaTypesAndEncodingsAre415() {
        try (RunningExporter vigil = RunningExporter.start(CONFIG)) {
            assertThat(vigil.post("/v1/traces", new byte[0], "Content-Type", "text/plain").statusCode()).isEqualTo(415);
            assertThat(vigil.post("/v1/metrics", new byte[0], "Content-Type", "application/x-protobuf", "Content-Encoding", "br").statusCode())
                    .isEqualTo(415);
            assertThat(vigil.post("/v1/metrics", new byte[0]).statusCode()).isEqualTo(415);
            assertThat(vigil.get("/v1/traces").body()).contains("use POST");
            assertThat(vigil.scrape().require("llm_otlp_refused_requests_total", "signal", "metrics", "status", "415")).isEqualTo(2);
        }
    }

    @Test
    void invalidUsageInAValidBodyIsAPartialSuccess() throws Exception {
        try (RunningExporter vigil = RunningExporter.start(CONFIG)) {
            // OTLP/JSON: a negative token count next to a good span; the good one counts, the bad one is reported.
            HttpResponse<String> r = vigil.post("/v1/traces", json(spans(GOOD_JSON_SPAN + "," + span(TRACE, "{\"intValue\":\"-5\"}"))),
                    "Content-Type", "application/json");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
            assertThat(r.body()).isEqualTo("{\"partialSuccess\":{\"rejectedSpans\":\"1\",\"errorMessage\":\"1 rejected; the first: span "
                    + SPAN + ": gen_ai.usage.input_tokens is negative (-5)\"}}");
            // Protobuf: the answer is an ExportTraceServiceResponse the SDK's classes decode.
            HttpResponse<byte[]> p = postBytes(vigil, request(genAiSpan(ByteString.fromHex(TRACE), -1), genAiSpan(ByteString.fromHex(TRACE), 500)).toByteArray());
            assertThat(p.statusCode()).isEqualTo(200);
            ExportTraceServiceResponse response = ExportTraceServiceResponse.parseFrom(p.body());
            assertThat(response.getPartialSuccess().getRejectedSpans()).isEqualTo(1);
            assertThat(response.getPartialSuccess().getErrorMessage()).contains("is negative");

            Scrape s = vigil.scrape();
            assertThat(s.require("llm_tokens_total", "provider", "openai", "model", "gpt-4o-mini", "type", "input")).isEqualTo(1500);
            assertThat(s.require("llm_otlp_rejected_total", "signal", "traces", "reason", "bad_usage")).isEqualTo(2);
        }
    }

    @Test
    void theBearerTokenOfThePushApiGuardsOtlpToo() throws IOException {
        Path token = Files.createTempFile("vigil-token", "");
        Files.writeString(token, "s3cret\n");
        try (RunningExporter vigil = RunningExporter.start("llm:\n  push:\n    token_file: " + token + "\n  otlp: {enabled: true}\n")) {
            byte[] body = request(genAiSpan(ByteString.fromHex(TRACE), 1000)).toByteArray();
            HttpResponse<String> none = vigil.post("/v1/traces", body, "Content-Type", "application/x-protobuf");
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(none.headers().firstValue("WWW-Authenticate")).contains("Bearer");
            assertThat(vigil.post("/v1/traces", body, "Content-Type", "application/x-protobuf", "Authorization", "Bearer wrong").statusCode())
                    .isEqualTo(401);
            try (SdkSender app = new SdkSender(vigil.baseUrl(), "protobuf", SdkSender.resource("a", "1", Map.of()), true,
                    "Authorization", "Bearer s3cret")) {
                app.span("chat", false, "gen_ai.provider.name", "openai", "gen_ai.request.model", "gpt-4o-mini", "gen_ai.usage.input_tokens", 7L);
                app.flushSpans();
            }
            Scrape s = vigil.scrape();
            assertThat(s.require("llm_tokens_total", "provider", "openai", "model", "gpt-4o-mini", "type", "input")).isEqualTo(7);
            assertThat(s.require("llm_otlp_refused_requests_total", "signal", "traces", "status", "401")).isEqualTo(2);
        } finally {
            Files.delete(token);
        }
    }

    @Test
    void aCallCountBeyondInt64IsRejectedNotReadAsNegative() {
        try (RunningExporter vigil = RunningExporter.start(CONFIG)) {
            // count is a uint64: 2^64 - 1 fits the wire but no count of calls Vigil can add.
            String points = point("1", 25) + "," + point("18446744073709551615", 40);
            HttpResponse<String> r = vigil.post("/v1/metrics", json("{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"name\":"
                    + "\"gen_ai.client.token.usage\",\"histogram\":{\"aggregationTemporality\":1,\"dataPoints\":[" + points + "]}}]}]}]}"),
                    "Content-Type", "application/json");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("{\"partialSuccess\":{\"rejectedDataPoints\":\"1\",\"errorMessage\":\"1 rejected; the first: "
                    + "count 18446744073709551615 is more calls than a signed 64-bit counter holds\"}}");
            Scrape s = vigil.scrape();
            assertThat(s.require("llm_tokens_total", "provider", "openai", "model", "gpt-4o-mini", "type", "input")).isEqualTo(25);
            assertThat(s.require("llm_otlp_rejected_total", "signal", "metrics", "reason", "bad_usage")).isEqualTo(1);
        }
    }

    private static String point(String count, long sum) {
        return "{\"timeUnixNano\":\"1764936000000000000\",\"count\":\"" + count + "\",\"sum\":" + sum + ",\"attributes\":["
                + "{\"key\":\"gen_ai.token.type\",\"value\":{\"stringValue\":\"input\"}},"
                + "{\"key\":\"gen_ai.provider.name\",\"value\":{\"stringValue\":\"openai\"}},"
                + "{\"key\":\"gen_ai.request.model\",\"value\":{\"stringValue\":\"gpt-4o-mini\"}}]}";
    }

    private static void assertRefused(RunningExporter vigil, int status, String type, byte[] body, String message, String... headers) {
        String[] all = new String[headers.length + 2];
        all[0] = "Content-Type";
        all[1] = type;
        System.arraycopy(headers, 0, all, 2, headers.length);
        HttpResponse<String> r = vigil.post("/v1/traces", body, all);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.body()).contains(message);
    }

    private static HttpResponse<byte[]> postBytes(RunningExporter vigil, byte[] body) throws Exception {
        return java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(vigil.baseUrl() + "/v1/traces"))
                        .header("Content-Type", "application/x-protobuf").POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static ExportTraceServiceRequest request(Span... spans) {
        return ExportTraceServiceRequest.newBuilder()
                .addResourceSpans(ResourceSpans.newBuilder().addScopeSpans(ScopeSpans.newBuilder().addAllSpans(java.util.List.of(spans)))).build();
    }

    private static Span genAiSpan(ByteString traceId, long inputTokens) {
        return Span.newBuilder().setTraceId(traceId).setSpanId(ByteString.fromHex(SPAN)).setName("chat")
                .addAttributes(KeyValue.newBuilder().setKey("gen_ai.provider.name").setValue(AnyValue.newBuilder().setStringValue("openai")))
                .addAttributes(KeyValue.newBuilder().setKey("gen_ai.request.model").setValue(AnyValue.newBuilder().setStringValue("gpt-4o-mini")))
                .addAttributes(KeyValue.newBuilder().setKey("gen_ai.usage.input_tokens").setValue(AnyValue.newBuilder().setIntValue(inputTokens)))
                .build();
    }

    private static String span(String traceId, String inputTokens) {
        return "{\"traceId\":\"" + traceId + "\",\"spanId\":\"" + SPAN + "\",\"name\":\"chat\",\"attributes\":["
                + "{\"key\":\"gen_ai.provider.name\",\"value\":{\"stringValue\":\"openai\"}},"
                + "{\"key\":\"gen_ai.request.model\",\"value\":{\"stringValue\":\"gpt-4o-mini\"}},"
                + "{\"key\":\"gen_ai.usage.input_tokens\",\"value\":" + inputTokens + "}]}";
    }

    private static String spans(String spans) {
        return "{\"resourceSpans\":[{\"resource\":{\"attributes\":[]},\"scopeSpans\":[{\"spans\":[" + spans + "]}]}]}";
    }

    private static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
