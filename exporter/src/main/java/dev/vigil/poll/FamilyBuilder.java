package dev.vigil.poll;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Exemplar;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.NativeHistogramBuckets;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects the samples of one metric family during a poll and turns them into an immutable snapshot.
 * A source declares its families once (name, help, label names) and fills them row by row.
 */
public final class FamilyBuilder {
    private enum Type { GAUGE, COUNTER, HISTOGRAM }

    private final Type type;
    private final String name;
    private final String help;
    private final String[] labelNames;
    private final LabelSets labelSets;
    private final ArrayList<Object> points = new ArrayList<>();

    private FamilyBuilder(Type type, String name, String help, String[] labelNames) {
        this.type = type;
        this.name = name;
        this.help = help;
        this.labelNames = labelNames.clone();
        this.labelSets = LabelSets.of(labelNames);
    }

    /** A gauge; {@code name} is the full exposition name, e.g. {@code bullmq_job_count}. */
    public static FamilyBuilder gauge(String name, String help, String... labelNames) {
        return new FamilyBuilder(Type.GAUGE, name, help, labelNames);
    }

    /** A counter; {@code name} is given without {@code _total}, which the exposition adds. */
    public static FamilyBuilder counter(String name, String help, String... labelNames) {
        return new FamilyBuilder(Type.COUNTER, name, help, labelNames);
    }

    /** A histogram; {@code name} without {@code _bucket}/{@code _sum}/{@code _count}. */
    public static FamilyBuilder histogram(String name, String help, String... labelNames) {
        return new FamilyBuilder(Type.HISTOGRAM, name, help, labelNames);
    }

    /** Room for {@code samples} samples, when the caller knows how many it adds (thousands, for a family per queue). */
    public FamilyBuilder expect(int samples) {
        points.ensureCapacity(samples);
        return this;
    }

    /**
     * Adds one sample. A label whose value is empty is left out of that sample, as Prometheus would drop it
     * anyway: an optional label (a cache's {@code level}) then appears only where it was configured.
     */
    public FamilyBuilder add(double value, String... labelValues) {
        return add(value, null, labelValues);
    }

    /** Adds one sample with an exemplar (a trace that moved it), or none when {@code exemplar} is null. */
    public FamilyBuilder add(double value, Exemplar exemplar, String... labelValues) {
        return add(value, exemplar, labels(labelValues));
    }

    /**
     * Adds one sample under labels the caller built once and keeps across polls (thousands of queues would
     * otherwise build and validate the same labels at every poll).
     */
    public FamilyBuilder add(double value, Exemplar exemplar, Labels labels) {
        points.add(switch (type) {
            case GAUGE -> new GaugeDataPointSnapshot(value, labels, exemplar);
            case COUNTER -> new CounterDataPointSnapshot(value, labels, exemplar, 0);
            case HISTOGRAM -> throw new IllegalStateException(name + " is a histogram: add a Histogram.Snapshot");
        });
        return this;
    }

    /**
     * Adds a gauge sample built earlier, e.g. kept from the last poll because its value did not change: snapshots
     * are immutable, so thousands of unchanged series cost no new objects. The type is checked on this family,
     * not on the sample, whose header need not be read: this method was 13% of the Java samples of a 1,000-queue
     * profile when it checked each sample's class (side by side, the change did not show in the poll's time).
     */
    public FamilyBuilder add(GaugeDataPointSnapshot point) {
        return addKept(Type.GAUGE, point);
    }

    /** A counter sample built earlier; see {@link #add(GaugeDataPointSnapshot)}. */
    public FamilyBuilder add(CounterDataPointSnapshot point) {
        return addKept(Type.COUNTER, point);
    }

    private FamilyBuilder addKept(Type expected, DataPointSnapshot point) {
        if (type != expected) {
            throw new IllegalArgumentException(name + " is a " + type + ", not a " + expected);
        }
        points.add(point);
        return this;
    }

    /** Adds one histogram, with both its classic and its native buckets: each exposition format takes what it can carry. */
    public FamilyBuilder add(Histogram.Snapshot histogram, String... labelValues) {
        return add(histogram, labels(labelValues));
    }

    public FamilyBuilder add(Histogram.Snapshot histogram, Labels labels) {
        if (type != Type.HISTOGRAM) {
            throw new IllegalStateException(name + " is not a histogram");
        }
        points.add(new HistogramDataPointSnapshot(histogram.classic(), Histogram.NATIVE_SCHEMA, histogram.zeroCount(),
                Histogram.NATIVE_ZERO_THRESHOLD, histogram.nativeBuckets(), NativeHistogramBuckets.EMPTY, histogram.sum(),
                labels, histogram.exemplars(), 0));
        return this;
    }

    private Labels labels(String[] labelValues) {
        if (labelValues.length != labelNames.length) {
            throw new IllegalArgumentException(name + " takes labels " + List.of(labelNames) + ", got " + List.of(labelValues));
        }
        return labelSets.labels(labelValues);
    }

    /**
     * The family built from the same sample objects as at the last call with this {@code kept}, in the same order,
     * is that call's snapshot: a snapshot copies, sorts and checks its samples' labels when made, which at
     * thousands of unchanged series cost more than the rest of a poll.
     */
    public MetricSnapshot build(Kept kept) {
        if (kept.snapshot != null && sameObjects(kept.points, points)) {
            return kept.snapshot;
        }
        kept.points = points;
        kept.snapshot = build();
        return kept.snapshot;
    }

    private static boolean sameObjects(List<Object> a, List<Object> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i) != b.get(i)) {
                return false;
            }
        }
        return true;
    }

    /** A family's last build, kept by the source across polls for {@link #build(Kept)}. */
    public static final class Kept {
        private List<Object> points = List.of();
        private MetricSnapshot snapshot;
    }

    @SuppressWarnings("unchecked")
    public MetricSnapshot build() {
        MetricMetadata metadata = new MetricMetadata(name, help);
        List<?> raw = points;
        return switch (type) {
            case GAUGE -> new GaugeSnapshot(metadata, (List<GaugeDataPointSnapshot>) raw);
            case COUNTER -> new CounterSnapshot(metadata, (List<CounterDataPointSnapshot>) raw);
            case HISTOGRAM -> new HistogramSnapshot(metadata, (List<HistogramDataPointSnapshot>) raw);
        };
    }
}
