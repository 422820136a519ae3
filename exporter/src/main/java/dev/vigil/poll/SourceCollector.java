package dev.vigil.poll;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hands the last completed poll of every source, and each source's poll durations, to the scrape. Families of
 * the same name from several sources (two BullMQ prefixes) are merged into one family, as the exposition
 * format requires. Until some source publishes a new state, every call returns the same {@link MetricSnapshots}
 * instance, so /metrics can keep what it rendered from it.
 */
public final class SourceCollector implements MultiCollector {
    private final PollEngine engine;
    private final String version;
    private volatile Collected last = new Collected(List.of(), null);

    /** The snapshots made from these source states (compared by identity: each poll publishes a new one). */
    private record Collected(List<SourceState> states, MetricSnapshots snapshots) {
        boolean from(List<SourceState> now) {
            if (snapshots == null || now.size() != states.size()) {
                return false;
            }
            for (int i = 0; i < now.size(); i++) {
                if (now.get(i) != states.get(i)) {
                    return false;
                }
            }
            return true;
        }
    }

    public SourceCollector(PollEngine engine, String version) {
        this.engine = engine;
        this.version = version;
    }

    @Override
    public MetricSnapshots collect() {
        List<PollEngine.SourceView> views = engine.sources();
        List<SourceState> states = views.stream().map(PollEngine.SourceView::state).toList();
        Collected seen = last;
        if (seen.from(states)) {
            return seen.snapshots();
        }
        MetricSnapshots snapshots = collect(views);
        last = new Collected(states, snapshots);
        return snapshots;
    }

    private MetricSnapshots collect(List<PollEngine.SourceView> views) {
        Map<String, List<MetricSnapshot>> byName = new LinkedHashMap<>();
        add(byName, InfoSnapshot.builder()
                .name("vigil_build").help("Vigil's version; always 1")
                .dataPoint(InfoSnapshot.InfoDataPointSnapshot.builder().labels(Labels.of("version", version)).build())
                .build());
        FamilyBuilder durations = FamilyBuilder.histogram("vigil_source_poll_duration_seconds",
                "Time each poll of the source took, successful or not", "source");
        // From the same state as the source's families, not live gauges: polls end on another thread than the one a
        // scrape reads on, and a scrape that read up=0 from a live gauge could still carry the families of the poll before.
        FamilyBuilder up = FamilyBuilder.gauge("vigil_source_up",
                "1 when the last poll of the source succeeded, 0 when it failed or has not run yet", "source");
        FamilyBuilder lastSuccess = FamilyBuilder.gauge("vigil_source_last_success_timestamp_seconds",
                "Unix time of the last successful poll of the source, 0 if none yet", "source");
        for (PollEngine.SourceView view : views) {
            up.add(view.state().up() ? 1 : 0, view.name());
            lastSuccess.add(view.state().lastSuccess().map(t -> t.toEpochMilli() / 1000.0).orElse(0.0), view.name());
            view.state().pollDurations().ifPresent(d -> durations.add(d, view.name()));
            view.state().result().ifPresent(result -> result.families().forEach(family -> add(byName, family)));
        }
        for (MetricSnapshot own : List.of(up.build(), lastSuccess.build(), durations.build())) {
            if (!own.getDataPoints().isEmpty()) {
                add(byName, own);
            }
        }
        MetricSnapshots.Builder out = MetricSnapshots.builder();
        for (List<MetricSnapshot> families : byName.values()) {
            out.metricSnapshot(families.size() == 1 ? families.get(0) : merge(families));
        }
        return out.build();
    }

    private static void add(Map<String, List<MetricSnapshot>> byName, MetricSnapshot family) {
        byName.computeIfAbsent(family.getMetadata().getName(), k -> new ArrayList<>()).add(family);
    }

    /**
     * Sources' series of one family never share labels: each carries its own source, server or redis label, and
     * bullmq entries on one Redis and prefix read disjoint queues (ConfigLoader checks).
     */
    private static MetricSnapshot merge(List<MetricSnapshot> families) {
        List<DataPointSnapshot> points = new ArrayList<>();
        for (MetricSnapshot family : families) {
            points.addAll(family.getDataPoints());
        }
        return rebuild(families.get(0), points);
    }

    @SuppressWarnings("unchecked")
    private static MetricSnapshot rebuild(MetricSnapshot like, List<DataPointSnapshot> points) {
        List<?> raw = points;
        if (like instanceof GaugeSnapshot) {
            return new GaugeSnapshot(like.getMetadata(), (List<GaugeSnapshot.GaugeDataPointSnapshot>) raw);
        }
        if (like instanceof CounterSnapshot) {
            return new CounterSnapshot(like.getMetadata(), (List<CounterSnapshot.CounterDataPointSnapshot>) raw);
        }
        if (like instanceof HistogramSnapshot h) {
            return new HistogramSnapshot(h.isGaugeHistogram(), like.getMetadata(), (List<HistogramSnapshot.HistogramDataPointSnapshot>) raw);
        }
        throw new IllegalStateException("cannot merge families of type " + like.getClass().getSimpleName());
    }
}
