package dev.vigil.poll;

import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.Exemplar;
import io.prometheus.metrics.model.snapshots.Exemplars;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.NativeHistogramBuckets;
import java.util.Arrays;

/**
 * A cumulative histogram of durations kept by a source across polls, with classic buckets (for the text
 * formats) and native buckets (for a Prometheus that scrapes protobuf). Observations are whole milliseconds or
 * microseconds and the sum is kept in microseconds, so it is exact however many are observed. Not thread-safe:
 * a source's polls never overlap; {@link #snapshot()} is what other threads read.
 */
public final class Histogram {
    /**
     * Native bucket resolution: schema 3 puts 8 buckets in each doubling, each bound 2^(1/8) (about 9%) above the
     * last, so a quantile is off by at most about 4.5%; latencies from 1 ms to 6 h fill at most 180 of them.
     */
    public static final int NATIVE_SCHEMA = 3;
    /**
     * The native zero bucket takes 0 (the only observation below 1 µs). A positive threshold also tells a
     * Prometheus 2.x that the histogram is native before its first observation; this is the width client
     * libraries use by default.
     */
    public static final double NATIVE_ZERO_THRESHOLD = Math.scalb(1.0, -128);
    private static final int BUCKETS_PER_DOUBLING = 1 << NATIVE_SCHEMA;
    /** The native bucket bounds within one doubling [1, 2]: 2^(k/8). */
    private static final double[] DOUBLING_BOUNDS = new double[BUCKETS_PER_DOUBLING + 1];

    static {
        for (int k = 0; k <= BUCKETS_PER_DOUBLING; k++) {
            DOUBLING_BOUNDS[k] = Math.pow(2, (double) k / BUCKETS_PER_DOUBLING);
        }
    }

    private final double[] upperBounds;
    private final long[] counts;
    private final Exemplar[] exemplars;
    private long sumMicros;
    private long zeroCount;
    /** Native bucket counts for indexes nativeFirst .. nativeFirst + nativeCounts.length - 1, grown as needed. */
    private long[] nativeCounts = new long[0];
    private int nativeFirst;
    /** The last snapshot, kept until the next observation: a histogram that did not move costs nothing to export. */
    private Snapshot snapshot;

    /** @param upperBoundsSeconds ascending classic bucket bounds; +Inf is added */
    public Histogram(double... upperBoundsSeconds) {
        this.upperBounds = Arrays.copyOf(upperBoundsSeconds, upperBoundsSeconds.length + 1);
        this.upperBounds[upperBoundsSeconds.length] = Double.POSITIVE_INFINITY;
        this.counts = new long[upperBounds.length];
        this.exemplars = new Exemplar[upperBounds.length];
    }

    public void observeMillis(long millis) {
        observeMillis(millis, null, null);
    }

    /** Observes, keeping the trace as the bucket's latest exemplar when a sampled span is given. */
    public void observeMillis(long millis, String traceId, String spanId) {
        observeMicros(Math.max(0, millis) * 1000, traceId, spanId);
    }

    /** Like {@link #observeMillis(long, String, String)}, for durations that are often below a millisecond (a poll). */
    public void observeMicros(long micros, String traceId, String spanId) {
        long us = Math.max(0, micros);
        double seconds = us / 1e6;
        int i = 0;
        while (seconds > upperBounds[i]) {
            i++;
        }
        counts[i]++;
        sumMicros += us;
        if (us == 0) {
            zeroCount++;
        } else {
            nativeSlot(nativeIndex(seconds));
        }
        if (traceId != null) {
            exemplars[i] = new Exemplar(seconds, Labels.of(Exemplar.TRACE_ID, traceId, Exemplar.SPAN_ID, spanId), System.currentTimeMillis());
        }
        snapshot = null;
    }

    /**
     * The native bucket of a positive value: bucket i holds (2^((i-1)/8), 2^(i/8)]. With v = f * 2^e and f in [1, 2),
     * that is 8e plus the first k with f at most 2^(k/8).
     */
    static int nativeIndex(double value) {
        int exponent = Math.getExponent(value);
        double fraction = value / Math.scalb(1.0, exponent);
        int k = 0;
        while (fraction > DOUBLING_BOUNDS[k]) {
            k++;
        }
        return exponent * BUCKETS_PER_DOUBLING + k;
    }

    private void nativeSlot(int index) {
        if (nativeCounts.length == 0) {
            nativeCounts = new long[1];
            nativeFirst = index;
        } else if (index < nativeFirst) {
            long[] grown = new long[nativeCounts.length + nativeFirst - index];
            System.arraycopy(nativeCounts, 0, grown, nativeFirst - index, nativeCounts.length);
            nativeCounts = grown;
            nativeFirst = index;
        } else if (index >= nativeFirst + nativeCounts.length) {
            nativeCounts = Arrays.copyOf(nativeCounts, index - nativeFirst + 1);
        }
        nativeCounts[index - nativeFirst]++;
    }

    public Snapshot snapshot() {
        if (snapshot == null) {
            snapshot = new Snapshot(ClassicHistogramBuckets.of(upperBounds, counts), zeroCount, nativeBuckets(),
                    sumMicros / 1e6, Exemplars.of(Arrays.stream(exemplars).filter(e -> e != null).toList()));
        }
        return snapshot;
    }

    private NativeHistogramBuckets nativeBuckets() {
        int used = (int) Arrays.stream(nativeCounts).filter(c -> c > 0).count();
        int[] indexes = new int[used];
        long[] nonZero = new long[used];
        int j = 0;
        for (int i = 0; i < nativeCounts.length; i++) {
            if (nativeCounts[i] > 0) {
                indexes[j] = nativeFirst + i;
                nonZero[j++] = nativeCounts[i];
            }
        }
        return NativeHistogramBuckets.of(indexes, nonZero);
    }

    /**
     * The histogram at one moment, as the Prometheus model takes it: per-bucket (not cumulative) classic counts,
     * the native zero and positive buckets ({@link #NATIVE_SCHEMA}), the exact sum and each bucket's latest exemplar.
     */
    public record Snapshot(ClassicHistogramBuckets classic, long zeroCount, NativeHistogramBuckets nativeBuckets,
                           double sum, Exemplars exemplars) {
        /** Observations in all buckets (the model's classic bucket counts are per bucket, not cumulative). */
        public long count() {
            long count = 0;
            for (int i = 0; i < classic.size(); i++) {
                count += classic.getCount(i);
            }
            return count;
        }
    }
}
