package dev.vigil.llm.otlp;

/**
 * What Vigil reads of one OTLP span: its resource's and its own attributes, ids, times and status code.
 *
 * @param traceId    32 lower-case hex digits
 * @param spanId     16 lower-case hex digits
 * @param statusCode OTLP's Status.code: 0 unset, 1 ok, 2 error
 */
record OtlpSpan(Attributes resource, Attributes attributes, String traceId, String spanId, long startNanos, long endNanos,
                int statusCode) {
    static final int STATUS_ERROR = 2;
}
