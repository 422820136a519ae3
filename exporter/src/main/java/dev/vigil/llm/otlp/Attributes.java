package dev.vigil.llm.otlp;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The scalar attributes of a span, data point or resource: strings, booleans, integers and doubles. Array,
 * map and bytes values are left out when decoding, since no GenAI usage attribute has that type.
 */
record Attributes(Map<String, Object> values) {
    static final Attributes NONE = new Attributes(Map.of());

    Attributes {
        values = Map.copyOf(values);
    }

    boolean has(String key) {
        return values.containsKey(key);
    }

    /** A string attribute; other types are not taken as names. */
    Optional<String> string(String key) {
        return values.get(key) instanceof String s ? Optional.of(s) : Optional.empty();
    }

    /** The value as text, whatever its scalar type, for attribution labels. */
    Optional<String> text(String key) {
        Object v = values.get(key);
        return v == null ? Optional.empty() : Optional.of(v.toString());
    }

    /**
     * A count such as a token number: an int, or what senders write for one (JavaScript SDKs may send a whole
     * double, some send digits as a string). Absent is empty; anything that is not a whole number from 0 up
     * is an {@link IllegalArgumentException} naming the key.
     */
    OptionalLong count(String key) {
        Object v = values.get(key);
        if (v == null) {
            return OptionalLong.empty();
        }
        long n;
        if (v instanceof Long l) {
            n = l;
        } else if (v instanceof Double d && !d.isNaN() && !d.isInfinite() && d == Math.rint(d) && Math.abs(d) < 0x1p53) {
            n = d.longValue();
        } else if (v instanceof String s && s.matches("[0-9]{1,18}")) {
            n = Long.parseLong(s);
        } else {
            throw new IllegalArgumentException(key + " is " + describe(v) + ", expected a whole number");
        }
        if (n < 0) {
            throw new IllegalArgumentException(key + " is negative (" + n + ")");
        }
        return OptionalLong.of(n);
    }

    private static String describe(Object v) {
        String text = v.toString();
        return "'" + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "'";
    }
}
