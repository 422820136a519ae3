package dev.vigil.poll;

import java.util.Arrays;

/**
 * A cumulative histogram of durations kept by a source across polls. Observations are whole milliseconds,
 * so the sum is exact however many jobs are observed. Not thread-safe: a source's polls never overlap.
 */
public final class Histogram {
    private final double[] upperBounds;
    private final long[] counts;
    private long sumMillis;

    /** @param upperBoundsSeconds ascending bucket bounds; +Inf is added */
    public Histogram(double... upperBoundsSeconds) {
        this.upperBounds = Arrays.copyOf(upperBoundsSeconds, upperBoundsSeconds.length + 1);
        this.upperBounds[upperBoundsSeconds.length] = Double.POSITIVE_INFINITY;
        this.counts = new long[upperBounds.length];
    }

    public void observeMillis(long millis) {
        long ms = Math.max(0, millis);
        double seconds = ms / 1000.0;
        int i = 0;
        while (seconds > upperBounds[i]) {
            i++;
        }
        counts[i]++;
        sumMillis += ms;
    }

    public Snapshot snapshot() {
        return new Snapshot(upperBounds.clone(), counts.clone(), sumMillis / 1000.0);
    }

    /** Per-bucket (not cumulative) counts, as the Prometheus model takes them. */
    public record Snapshot(double[] upperBounds, long[] bucketCounts, double sum) {
        public long count() {
            return Arrays.stream(bucketCounts).sum();
        }
    }
}
