package dev.vigil.llm.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.DataPointFlags;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogram;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The hand-written reader against messages written by the OTLP protobuf classes, and JSON against the same. */
class OtlpBodiesTest {
    private static final String TRACE = "5b8efff798038103d269b633813fc60c";
    private static final String SPAN = "eee19b7ec3c1b174";

    @Test
    void spansWithTheirResourceIdsTimesStatusAndScalarAttributes() throws Exception {
        Span span = Span.newBuilder().setTraceId(ByteString.fromHex(TRACE)).setSpanId(ByteString.fromHex(SPAN)).setName("chat")
                .setStartTimeUnixNano(10).setEndTimeUnixNano(-1L) // uint64 beyond Long.MAX_VALUE
                .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage("boom"))
                .addAttributes(kv("s", AnyValue.newBuilder().setStringValue("é"))).addAttributes(kv("i", AnyValue.newBuilder().setIntValue(-3)))
                .addAttributes(kv("d", AnyValue.newBuilder().setDoubleValue(2.5))).addAttributes(kv("b", AnyValue.newBuilder().setBoolValue(true)))
                .addAttributes(kv("a", AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder().addValues(AnyValue.newBuilder().setIntValue(1)))))
                .build();
        byte[] body = ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
                .addScopeSpans(ScopeSpans.newBuilder().addSpans(span))
                .setResource(Resource.newBuilder().addAttributes(kv("service.name", AnyValue.newBuilder().setStringValue("chat-api"))))).build()
                .toByteArray();
        OtlpSpan read = ProtobufBodies.spans(body).get(0);
        assertThat(read.traceId()).isEqualTo(TRACE);
        assertThat(read.spanId()).isEqualTo(SPAN);
        assertThat(read.startNanos()).isEqualTo(10);
        assertThat(read.endNanos()).isEqualTo(-1L);
        assertThat(read.statusCode()).isEqualTo(OtlpSpan.STATUS_ERROR);
        assertThat(read.attributes().values()).isEqualTo(Map.of("s", "é", "i", -3L, "d", 2.5, "b", true));
        assertThat(read.resource().values()).isEqualTo(Map.of("service.name", "chat-api"));
    }

    @Test
    void tokenUsagePointsOfBothHistogramKindsAndNothingElse() throws Exception {
        Metric explicit = Metric.newBuilder().setName("gen_ai.client.token.usage").setHistogram(Histogram.newBuilder()
                .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                .addDataPoints(HistogramDataPoint.newBuilder().setStartTimeUnixNano(5).setTimeUnixNano(9).setCount(3).setSum(1500)
                        .addAttributes(kv("gen_ai.token.type", AnyValue.newBuilder().setStringValue("input"))))).build();
        Metric exponential = Metric.newBuilder().setName("gen_ai.client.token.usage").setExponentialHistogram(ExponentialHistogram.newBuilder()
                .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA)
                .addDataPoints(ExponentialHistogramDataPoint.newBuilder().setCount(1).setSum(40)
                        .addAttributes(kv("gen_ai.token.type", AnyValue.newBuilder().setStringValue("output"))))).build();
        Metric other = Metric.newBuilder().setName("gen_ai.client.operation.duration").setHistogram(Histogram.newBuilder()
                .addDataPoints(HistogramDataPoint.newBuilder().setCount(1).setSum(0.8))).build();
        byte[] body = ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder()
                .addScopeMetrics(ScopeMetrics.newBuilder().addMetrics(explicit).addMetrics(other).addMetrics(exponential))).build().toByteArray();
        List<TokenPoint> points = ProtobufBodies.tokenPoints(body);
        assertThat(points).hasSize(2);
        assertThat(points.get(0)).isEqualTo(new TokenPoint(Attributes.NONE, new Attributes(Map.of("gen_ai.token.type", "input")),
                TokenPoint.CUMULATIVE, 5, 9, 3, 1500));
        assertThat(points.get(1).temporality()).isEqualTo(TokenPoint.DELTA);
        assertThat(points.get(1).attributes().string("gen_ai.token.type")).hasValue("output");
        assertThat(points.get(1).sum()).isEqualTo(40);
    }

    @Test
    void aPointWithNoRecordedValueIsNoPoint() throws Exception {
        HistogramDataPoint.Builder stale = HistogramDataPoint.newBuilder().setStartTimeUnixNano(5).setTimeUnixNano(70)
                .setFlags(DataPointFlags.DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK_VALUE)
                .addAttributes(kv("gen_ai.token.type", AnyValue.newBuilder().setStringValue("input")));
        Metric metric = Metric.newBuilder().setName("gen_ai.client.token.usage").setHistogram(Histogram.newBuilder()
                .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE).addDataPoints(stale)).build();
        byte[] body = ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder()
                .addScopeMetrics(ScopeMetrics.newBuilder().addMetrics(metric))).build().toByteArray();
        assertThat(ProtobufBodies.tokenPoints(body)).isEmpty();
        String json = "{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"name\":\"gen_ai.client.token.usage\",\"histogram\":"
                + "{\"aggregationTemporality\":2,\"dataPoints\":[{\"startTimeUnixNano\":\"5\",\"timeUnixNano\":\"70\",\"flags\":1}]}}]}]}]}";
        assertThat(JsonBodies.tokenPoints(Buffer.buffer(json))).isEmpty();
    }

    @Test
    void unknownFieldsUpToTheLargestFieldNumberAreSkipped() throws Exception {
        Span span = Span.newBuilder().setTraceId(ByteString.fromHex(TRACE)).setSpanId(ByteString.fromHex(SPAN)).build();
        byte[] valid = ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
                .addScopeSpans(ScopeSpans.newBuilder().addSpans(span))).build().toByteArray();
        // Field 536870911 (2^29 - 1, protobuf's largest), varint 1: the tag takes all 32 bits.
        byte[] unknown = {(byte) 0xf8, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f, 0x01};
        byte[] body = java.util.Arrays.copyOf(valid, valid.length + unknown.length);
        System.arraycopy(unknown, 0, body, valid.length, unknown.length);
        assertThat(ProtobufBodies.spans(body)).extracting(OtlpSpan::spanId).containsExactly(SPAN);
        // One more is beyond protobuf's field numbers.
        byte[] beyond = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x10, 0x01};
        assertThatThrownBy(() -> ProtobufBodies.spans(beyond)).hasMessage("invalid protobuf field tag");
    }

    @Test
    void malformedBodiesAreRefusedNotMisread() {
        byte[] valid = ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder().addScopeSpans(ScopeSpans.newBuilder()
                .addSpans(Span.newBuilder().setTraceId(ByteString.fromHex(TRACE)).setSpanId(ByteString.fromHex(SPAN))))).build().toByteArray();
        for (int cut = 1; cut < valid.length; cut++) {
            byte[] truncated = java.util.Arrays.copyOf(valid, cut);
            assertThatThrownBy(() -> ProtobufBodies.spans(truncated)).as("cut at " + cut).isInstanceOf(MalformedOtlp.class);
        }
        byte[] noSpanId = ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder().addScopeSpans(ScopeSpans.newBuilder()
                .addSpans(Span.newBuilder().setTraceId(ByteString.fromHex(TRACE))))).build().toByteArray();
        assertThatThrownBy(() -> ProtobufBodies.spans(noSpanId)).hasMessage("a span's span id must be 8 bytes, got 0");
        assertThatThrownBy(() -> ProtobufBodies.spans(new byte[] {0x0a, 0x02, (byte) 0xff, (byte) 0xff})).isInstanceOf(MalformedOtlp.class);
        assertThatThrownBy(() -> ProtobufBodies.spans(new byte[] {0x13})).hasMessage("unsupported protobuf wire type 3");
    }

    @Test
    void theAnswerIsAnExportResponseTheProtobufClassesRead() throws Exception {
        assertThat(ProtobufBodies.response(0, "")).isEmpty();
        ExportMetricsServiceResponse r = ExportMetricsServiceResponse.parseFrom(ProtobufBodies.response(300, "1 rejected; the first: é"));
        assertThat(r.getPartialSuccess().getRejectedDataPoints()).isEqualTo(300);
        assertThat(r.getPartialSuccess().getErrorMessage()).isEqualTo("1 rejected; the first: é");
        // google.rpc.Status {message = 2}: field 2, length-delimited, 9 bytes.
        assertThat(ProtobufBodies.status("too large")).startsWith(0x12, 9).hasSize(11);
    }

    @Test
    void otlpJsonReadsTheSameAsProtobuf() throws Exception {
        String json = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"chat-api\"}}]},"
                + "\"scopeSpans\":[{\"spans\":[{\"traceId\":\"" + TRACE.toUpperCase() + "\",\"spanId\":\"" + SPAN + "\",\"startTimeUnixNano\":\"10\","
                + "\"endTimeUnixNano\":18446744073709551615,\"status\":{\"code\":2},\"unknownField\":{\"x\":1},\"attributes\":["
                + "{\"key\":\"i\",\"value\":{\"intValue\":\"-3\"}},{\"key\":\"d\",\"value\":{\"doubleValue\":2.5}},"
                + "{\"key\":\"a\",\"value\":{\"arrayValue\":{\"values\":[]}}}]}]}]}]}";
        OtlpSpan read = JsonBodies.spans(Buffer.buffer(json)).get(0);
        assertThat(read.traceId()).isEqualTo(TRACE);
        assertThat(read.endNanos()).isEqualTo(-1L);
        assertThat(read.statusCode()).isEqualTo(OtlpSpan.STATUS_ERROR);
        assertThat(read.attributes().values()).isEqualTo(Map.of("i", -3L, "d", 2.5));
        assertThat(read.resource().string("service.name")).hasValue("chat-api");
        assertThatThrownBy(() -> JsonBodies.spans(Buffer.buffer("[1]"))).isInstanceOf(MalformedOtlp.class);
        assertThatThrownBy(() -> JsonBodies.tokenPoints(Buffer.buffer("{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"name\":"
                + "\"gen_ai.client.token.usage\",\"histogram\":{\"aggregationTemporality\":\"CUMULATIVE\"}}]}]}]}")))
                .hasMessage("aggregationTemporality must be a whole number (as a string or a number)");
    }

    private static KeyValue kv(String key, AnyValue.Builder value) {
        return KeyValue.newBuilder().setKey(key).setValue(value).build();
    }
}
