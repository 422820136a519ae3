package dev.vigil.poll;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects the samples of one metric family during a poll and turns them into an immutable snapshot.
 * A source declares its families once (name, help, label names) and fills them row by row.
 */
public final class FamilyBuilder {
    private enum Type { GAUGE, COUNTER }

    private final Type type;
    private final String name;
    private final String help;
    private final String[] labelNames;
    private final List<Object> points = new ArrayList<>();

    private FamilyBuilder(Type type, String name, String help, String[] labelNames) {
        this.type = type;
        this.name = name;
        this.help = help;
        this.labelNames = labelNames.clone();
    }

    /** A gauge; {@code name} is the full exposition name, e.g. {@code bullmq_job_count}. */
    public static FamilyBuilder gauge(String name, String help, String... labelNames) {
        return new FamilyBuilder(Type.GAUGE, name, help, labelNames);
    }

    /** A counter; {@code name} is given without {@code _total}, which the exposition adds. */
    public static FamilyBuilder counter(String name, String help, String... labelNames) {
        return new FamilyBuilder(Type.COUNTER, name, help, labelNames);
    }

    /**
     * Adds one sample. A label whose value is empty is left out of that sample, as Prometheus would drop it
     * anyway: an optional label (a cache's {@code level}) then appears only where it was configured.
     */
    public FamilyBuilder add(double value, String... labelValues) {
        if (labelValues.length != labelNames.length) {
            throw new IllegalArgumentException(name + " takes labels " + List.of(labelNames) + ", got " + List.of(labelValues));
        }
        Labels labels = Labels.EMPTY;
        for (int i = 0; i < labelNames.length; i++) {
            if (!labelValues[i].isEmpty()) {
                labels = labels.add(labelNames[i], labelValues[i]);
            }
        }
        points.add(type == Type.GAUGE
                ? new GaugeDataPointSnapshot(value, labels, null)
                : new CounterDataPointSnapshot(value, labels, null, 0));
        return this;
    }

    public MetricSnapshot build() {
        MetricMetadata metadata = new MetricMetadata(name, help);
        List<GaugeDataPointSnapshot> gauges = new ArrayList<>();
        List<CounterDataPointSnapshot> counters = new ArrayList<>();
        for (Object p : points) {
            if (p instanceof GaugeDataPointSnapshot g) {
                gauges.add(g);
            } else {
                counters.add((CounterDataPointSnapshot) p);
            }
        }
        return type == Type.GAUGE ? new GaugeSnapshot(metadata, gauges) : new CounterSnapshot(metadata, counters);
    }
}
