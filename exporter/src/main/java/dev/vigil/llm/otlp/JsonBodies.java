package dev.vigil.llm.otlp;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * OTLP/JSON, read into the same values as the protobuf bodies. Its differences from protobuf's own JSON
 * mapping are the ones the OTLP specification makes: trace and span ids in hex, 64-bit integers as strings
 * (numbers are taken too), enums as integers, lowerCamelCase field names. A field of the wrong type refuses
 * the whole body, as protobuf would.
 */
final class JsonBodies {
    private static final Pattern TRACE_ID = Pattern.compile("[0-9a-fA-F]{32}");
    private static final Pattern SPAN_ID = Pattern.compile("[0-9a-fA-F]{16}");

    private JsonBodies() {
    }

    static List<OtlpSpan> spans(Buffer body) throws MalformedOtlp {
        List<OtlpSpan> out = new ArrayList<>();
        eachItem(parse(body), "resourceSpans", "scopeSpans", "spans", (s, resource) -> out.add(new OtlpSpan(resource,
                attributes(s, "attributes"), id(s, "traceId", TRACE_ID, 32), id(s, "spanId", SPAN_ID, 16),
                int64(s, "startTimeUnixNano"), int64(s, "endTimeUnixNano"), (int) int64(object(s, "status"), "code"))));
        return out;
    }

    static List<TokenPoint> tokenPoints(Buffer body) throws MalformedOtlp {
        List<TokenPoint> out = new ArrayList<>();
        eachItem(parse(body), "resourceMetrics", "scopeMetrics", "metrics", (metric, resource) -> {
            if (TokenPoint.METRIC.equals(string(metric, "name"))) {
                histogram(object(metric, "histogram"), resource, out);
                histogram(object(metric, "exponentialHistogram"), resource, out);
            }
        });
        return out;
    }

    private interface Item {
        void read(JsonObject item, Attributes resource) throws MalformedOtlp;
    }

    /** Each span or metric of the request, with its resource's attributes. */
    private static void eachItem(JsonObject request, String resources, String scopes, String items, Item item) throws MalformedOtlp {
        for (JsonObject r : objects(request, resources)) {
            Attributes resource = attributes(object(r, "resource"), "attributes");
            for (JsonObject scope : objects(r, scopes)) {
                for (JsonObject o : objects(scope, items)) {
                    item.read(o, resource);
                }
            }
        }
    }

    private static void histogram(JsonObject h, Attributes resource, List<TokenPoint> out) throws MalformedOtlp {
        int temporality = (int) int64(h, "aggregationTemporality");
        for (JsonObject p : objects(h, "dataPoints")) {
            if ((int64(p, "flags") & TokenPoint.NO_RECORDED_VALUE) != 0) {
                continue;
            }
            out.add(new TokenPoint(resource, attributes(p, "attributes"), temporality, int64(p, "startTimeUnixNano"),
                    int64(p, "timeUnixNano"), int64(p, "count"), number(p, "sum")));
        }
    }

    private static JsonObject parse(Buffer body) throws MalformedOtlp {
        try {
            return body.length() == 0 ? new JsonObject() : new JsonObject(body);
        } catch (DecodeException | ClassCastException e) {
            // Jackson's own limits (nesting depth, number and string length) end up here too.
            throw new MalformedOtlp("the body is not a JSON object: " + firstLine(e.getMessage()));
        }
    }

    private static Attributes attributes(JsonObject o, String key) throws MalformedOtlp {
        Map<String, Object> out = new HashMap<>();
        for (JsonObject kv : objects(o, key)) {
            String name = string(kv, "key");
            JsonObject value = object(kv, "value");
            Object v = value.containsKey("stringValue") ? string(value, "stringValue")
                    : value.containsKey("intValue") ? (Object) int64(value, "intValue")
                    : value.containsKey("doubleValue") ? (Object) number(value, "doubleValue")
                    : value.containsKey("boolValue") ? (Object) bool(value, "boolValue")
                    : null;
            if (name != null && v != null) {
                out.put(name, v);
            }
        }
        return new Attributes(out);
    }

    private static List<JsonObject> objects(JsonObject o, String key) throws MalformedOtlp {
        Object v = o.getValue(key);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof JsonArray array)) {
            throw wrongType(key, "an array");
        }
        List<JsonObject> out = new ArrayList<>(array.size());
        for (Object item : array) {
            if (!(item instanceof JsonObject object)) {
                throw wrongType(key, "an array of objects");
            }
            out.add(object);
        }
        return out;
    }

    private static JsonObject object(JsonObject o, String key) throws MalformedOtlp {
        Object v = o.getValue(key);
        if (v == null) {
            return new JsonObject();
        }
        if (!(v instanceof JsonObject object)) {
            throw wrongType(key, "an object");
        }
        return object;
    }

    private static String string(JsonObject o, String key) throws MalformedOtlp {
        Object v = o.getValue(key);
        if (v != null && !(v instanceof String)) {
            throw wrongType(key, "a string");
        }
        return (String) v;
    }

    private static boolean bool(JsonObject o, String key) throws MalformedOtlp {
        if (!(o.getValue(key) instanceof Boolean b)) {
            throw wrongType(key, "true or false");
        }
        return b;
    }

    /** An int64 or uint64 as OTLP/JSON writes it: a decimal string, or a plain number; absent is 0. */
    private static long int64(JsonObject o, String key) throws MalformedOtlp {
        Object v = o.getValue(key);
        try {
            if (v == null) {
                return 0;
            }
            if (v instanceof String s) {
                // uint64 fields (times, counts) may use the 64th bit; int64 ones may be negative.
                return s.startsWith("-") ? Long.parseLong(s) : Long.parseUnsignedLong(s);
            }
            if (v instanceof Number n) {
                BigInteger whole = new BigDecimal(n.toString()).toBigIntegerExact();
                if (whole.bitLength() <= 63 || whole.signum() > 0 && whole.bitLength() == 64) {
                    return whole.longValue();
                }
            }
        } catch (NumberFormatException | ArithmeticException e) {
            throw wrongType(key, "a whole number (as a string or a number)");
        }
        throw wrongType(key, "a whole number (as a string or a number)");
    }

    private static double number(JsonObject o, String key) throws MalformedOtlp {
        Object v = o.getValue(key);
        if (v == null) {
            return 0;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if (v instanceof String s && s.matches("NaN|-?Infinity|-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?")) {
            return Double.parseDouble(s);
        }
        throw wrongType(key, "a number");
    }

    private static String id(JsonObject o, String key, Pattern hex, int digits) throws MalformedOtlp {
        String v = string(o, key);
        if (v == null || !hex.matcher(v).matches()) {
            throw new MalformedOtlp("a span's " + key + " must be " + digits + " hex digits");
        }
        return v.toLowerCase(Locale.ROOT);
    }

    private static MalformedOtlp wrongType(String key, String expected) {
        return new MalformedOtlp(key + " must be " + expected);
    }

    private static String firstLine(String message) {
        String line = message == null ? "" : message.lines().findFirst().orElse("");
        return line.length() > 200 ? line.substring(0, 200) : line;
    }
}
