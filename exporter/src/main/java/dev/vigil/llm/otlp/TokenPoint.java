package dev.vigil.llm.otlp;

/**
 * One data point of a {@code gen_ai.client.token.usage} histogram: the sum is the tokens of its
 * {@code gen_ai.token.type}, the count the calls recorded, over the interval from start to time.
 *
 * @param temporality OTLP's AggregationTemporality: 1 delta, 2 cumulative, 0 unspecified
 */
record TokenPoint(Attributes resource, Attributes attributes, int temporality, long startNanos, long timeNanos, long count,
                  double sum) {
    static final String METRIC = "gen_ai.client.token.usage";
    static final int DELTA = 1;
    static final int CUMULATIVE = 2;
    /**
     * DataPointFlags.FLAG_NO_RECORDED_VALUE: the point marks a series that stopped (a staleness marker), with no
     * count or sum; read as zeros it would look like a cumulative sum that went down.
     */
    static final long NO_RECORDED_VALUE = 1;
}
