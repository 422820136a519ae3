package dev.vigil.trace;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A W3C {@code traceparent} header ({@code 00-<trace id>-<span id>-<flags>}) as an application sends it with
 * a request, read without the SDK so it works with tracing off: it only names the caller's trace.
 */
public record TraceParent(String traceId, String spanId, boolean sampled) {
    private static final Pattern FORMAT = Pattern.compile("([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?");
    private static final String ZERO_TRACE = "0".repeat(32);
    private static final String ZERO_SPAN = "0".repeat(16);

    /** The caller's trace when the header is well formed (version ff and all-zero ids are invalid). */
    public static Optional<TraceParent> parse(String header) {
        if (header == null) {
            return Optional.empty();
        }
        var m = FORMAT.matcher(header.trim());
        if (!m.matches() || m.group(1).equals("ff") || m.group(2).equals(ZERO_TRACE) || m.group(3).equals(ZERO_SPAN)
                || (m.group(1).equals("00") && m.group(5) != null)) {
            return Optional.empty();
        }
        boolean sampled = (Integer.parseInt(m.group(4), 16) & 1) == 1;
        return Optional.of(new TraceParent(m.group(2), m.group(3), sampled));
    }
}
