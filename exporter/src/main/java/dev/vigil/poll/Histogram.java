package dev.vigil.poll;

import io.prometheus.metrics.model.snapshots.Exemplar;
import io.prometheus.metrics.model.snapshots.Exemplars;
import io.prometheus.metrics.model.snapshots.Labels;
import java.util.Arrays;
import java.util.List;

/**
 * A cumulative histogram of durations kept by a source across polls. Observations are whole milliseconds,
 * so the sum is exact however many jobs are observed. Not thread-safe: a source's polls never overlap.
 */
public final class Histogram {
    private final double[] upperBounds;
    private final long[] counts;
    private final Exemplar[] exemplars;
    private long sumMillis;

    /** @param upperBoundsSeconds ascending bucket bounds; +Inf is added */
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
        long ms = Math.max(0, millis);
        double seconds = ms / 1000.0;
        int i = 0;
        while (seconds > upperBounds[i]) {
            i++;
        }
        counts[i]++;
        sumMillis += ms;
        if (traceId != null) {
            exemplars[i] = new Exemplar(seconds, Labels.of(Exemplar.TRACE_ID, traceId, Exemplar.SPAN_ID, spanId), System.currentTimeMillis());
        }
    }

    public Snapshot snapshot() {
        List<Exemplar> kept = Arrays.stream(exemplars).filter(e -> e != null).toList();
        return new Snapshot(upperBounds.clone(), counts.clone(), sumMillis / 1000.0, Exemplars.of(kept));
    }

    /** Per-bucket (not cumulative) counts, as the Prometheus model takes them. */
    public record Snapshot(double[] upperBounds, long[] bucketCounts, double sum, Exemplars exemplars) {
        public long count() {
            return Arrays.stream(bucketCounts).sum();
        }
    }
}
