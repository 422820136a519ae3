package dev.vigil.llm.otlp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * OTLP's protobuf messages, read for the fields Vigil uses and written for its answers. Field numbers are
 * those of opentelemetry-proto's {@code collector/trace/v1}, {@code collector/metrics/v1}, {@code trace/v1},
 * {@code metrics/v1} and {@code common/v1}. Fields may come in any order, so a message's parts are gathered
 * before they are combined. Written by hand rather than with opentelemetry-proto and protobuf-java: these few
 * fields cost some 400 lines where the generated classes would add megabytes to the jar and a protobuf version
 * to keep in step, and OTLP/JSON (hex ids) needs its own reader either way.
 */
final class ProtobufBodies {
    private ProtobufBodies() {
    }

    /** ExportTraceServiceRequest: every span, each with its resource's attributes. */
    static List<OtlpSpan> spans(byte[] body) throws MalformedOtlp {
        List<OtlpSpan> out = new ArrayList<>();
        eachItem(body, (span, resource) -> out.add(span(span, resource)));
        return out;
    }

    /** ExportMetricsServiceRequest: the data points of {@code gen_ai.client.token.usage} histograms. */
    static List<TokenPoint> tokenPoints(byte[] body) throws MalformedOtlp {
        List<TokenPoint> out = new ArrayList<>();
        eachItem(body, (metric, resource) -> metric(metric, resource, out));
        return out;
    }

    private interface Item {
        void read(ProtoReader item, Attributes resource) throws MalformedOtlp;
    }

    /**
     * Both requests nest alike: resource_spans / resource_metrics 1 {resource 1, scope_spans / scope_metrics 2
     * {spans / metrics 2}}. Each span or metric is read with its resource's attributes.
     */
    private static void eachItem(byte[] body, Item item) throws MalformedOtlp {
        ProtoReader request = new ProtoReader(body);
        while (request.next()) {
            if (request.field() != 1) {
                request.skip();
                continue;
            }
            ProtoReader r = request.message();
            Attributes resource = Attributes.NONE;
            List<ProtoReader> scopes = new ArrayList<>();
            while (r.next()) {
                switch (r.field()) {
                    case 1 -> resource = resource(r.message());
                    case 2 -> scopes.add(r.message());
                    default -> r.skip();
                }
            }
            for (ProtoReader scope : scopes) {
                while (scope.next()) {
                    if (scope.field() == 2) {
                        item.read(scope.message(), resource);
                    } else {
                        scope.skip();
                    }
                }
            }
        }
    }

    private static OtlpSpan span(ProtoReader r, Attributes resource) throws MalformedOtlp {
        byte[] traceId = null;
        byte[] spanId = null;
        long start = 0;
        long end = 0;
        int status = 0;
        Map<String, Object> attributes = new HashMap<>();
        while (r.next()) {
            switch (r.field()) {
                case 1 -> traceId = r.bytesValue();
                case 2 -> spanId = r.bytesValue();
                case 7 -> start = r.fixed64();
                case 8 -> end = r.fixed64();
                case 9 -> keyValue(r.message(), attributes);
                case 15 -> status = statusCode(r.message());
                default -> r.skip();
            }
        }
        return new OtlpSpan(resource, new Attributes(attributes), id(traceId, 16, "trace"), id(spanId, 8, "span"), start, end, status);
    }

    private static int statusCode(ProtoReader r) throws MalformedOtlp {
        int code = 0;
        while (r.next()) {
            if (r.field() == 3) {
                code = (int) r.int64();
            } else {
                r.skip();
            }
        }
        return code;
    }

    /** Metric: name 1; histogram 9 and exponential_histogram 10 both hold data_points 1 and temporality 2. */
    private static void metric(ProtoReader r, Attributes resource, List<TokenPoint> out) throws MalformedOtlp {
        String name = "";
        List<ProtoReader> histograms = new ArrayList<>();
        List<Boolean> exponential = new ArrayList<>();
        while (r.next()) {
            switch (r.field()) {
                case 1 -> name = r.string();
                case 9, 10 -> {
                    exponential.add(r.field() == 10);
                    histograms.add(r.message());
                }
                default -> r.skip();
            }
        }
        if (!name.equals(TokenPoint.METRIC)) {
            return;
        }
        for (int i = 0; i < histograms.size(); i++) {
            histogram(histograms.get(i), exponential.get(i), resource, out);
        }
    }

    private static void histogram(ProtoReader r, boolean exponential, Attributes resource, List<TokenPoint> out) throws MalformedOtlp {
        int temporality = 0;
        List<ProtoReader> points = new ArrayList<>();
        while (r.next()) {
            switch (r.field()) {
                case 1 -> points.add(r.message());
                case 2 -> temporality = (int) r.int64();
                default -> r.skip();
            }
        }
        for (ProtoReader p : points) {
            point(p, exponential ? 1 : 9, temporality, resource).ifPresent(out::add);
        }
    }

    /**
     * HistogramDataPoint has its attributes in field 9, ExponentialHistogramDataPoint in field 1; the rest agree.
     * Empty for a point flagged as having no recorded value (see {@link TokenPoint#NO_RECORDED_VALUE}).
     */
    private static Optional<TokenPoint> point(ProtoReader r, int attributesField, int temporality, Attributes resource) throws MalformedOtlp {
        Map<String, Object> attributes = new HashMap<>();
        long start = 0;
        long time = 0;
        long count = 0;
        double sum = 0;
        long flags = 0;
        while (r.next()) {
            int f = r.field();
            if (f == attributesField) {
                keyValue(r.message(), attributes);
            } else if (f == 2) {
                start = r.fixed64();
            } else if (f == 3) {
                time = r.fixed64();
            } else if (f == 4) {
                count = r.fixed64();
            } else if (f == 5) {
                sum = r.doubleValue();
            } else if (f == 10) {
                flags = r.int64();
            } else {
                r.skip();
            }
        }
        return (flags & TokenPoint.NO_RECORDED_VALUE) != 0 ? Optional.empty()
                : Optional.of(new TokenPoint(resource, new Attributes(attributes), temporality, start, time, count, sum));
    }

    private static Attributes resource(ProtoReader r) throws MalformedOtlp {
        Map<String, Object> attributes = new HashMap<>();
        while (r.next()) {
            if (r.field() == 1) {
                keyValue(r.message(), attributes);
            } else {
                r.skip();
            }
        }
        return new Attributes(attributes);
    }

    /** KeyValue {key 1, value 2: AnyValue {string 1, bool 2, int 3, double 4, ...}}; other value types are skipped. */
    private static void keyValue(ProtoReader r, Map<String, Object> into) throws MalformedOtlp {
        String key = null;
        Object value = null;
        while (r.next()) {
            if (r.field() == 1) {
                key = r.string();
            } else if (r.field() == 2) {
                ProtoReader any = r.message();
                while (any.next()) {
                    switch (any.field()) {
                        case 1 -> value = any.string();
                        case 2 -> value = any.int64() != 0;
                        case 3 -> value = any.int64();
                        case 4 -> value = any.doubleValue();
                        default -> any.skip();
                    }
                }
            } else {
                r.skip();
            }
        }
        if (key != null && value != null) {
            into.put(key, value);
        }
    }

    private static String id(byte[] id, int length, String what) throws MalformedOtlp {
        if (id == null || id.length != length) {
            throw new MalformedOtlp("a span's " + what + " id must be " + length + " bytes, got " + (id == null ? 0 : id.length));
        }
        return HexFormat.of().formatHex(id);
    }

    /**
     * ExportTraceServiceResponse / ExportMetricsServiceResponse: partial_success 1 {rejected 1, error_message 2};
     * an empty message when nothing was rejected.
     */
    static byte[] response(long rejected, String message) {
        if (rejected == 0) {
            return new byte[0];
        }
        ByteArrayOutputStream partial = new ByteArrayOutputStream();
        writeTag(partial, 1, ProtoReader.VARINT);
        writeVarint(partial, rejected);
        writeBytes(partial, 2, message.getBytes(StandardCharsets.UTF_8));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeBytes(out, 1, partial.toByteArray());
        return out.toByteArray();
    }

    /** google.rpc.Status {code 1, message 2}, the body of every OTLP error answer; OTLP/HTTP leaves the code out. */
    static byte[] status(String message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeBytes(out, 2, message.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static void writeBytes(ByteArrayOutputStream out, int field, byte[] value) {
        writeTag(out, field, ProtoReader.LENGTH);
        writeVarint(out, value.length);
        out.writeBytes(value);
    }

    private static void writeTag(ByteArrayOutputStream out, int field, int wireType) {
        writeVarint(out, (long) field << 3 | wireType);
    }

    private static void writeVarint(ByteArrayOutputStream out, long value) {
        while ((value & ~0x7fL) != 0) {
            out.write((int) (value & 0x7f) | 0x80);
            value >>>= 7;
        }
        out.write((int) value);
    }
}
