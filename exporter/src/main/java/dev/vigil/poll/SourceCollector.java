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
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Hands the last completed poll of every source, and each source's poll durations, to the scrape. Families of
 * the same name from several sources (two BullMQ prefixes) are merged into one family, as the exposition
 * format requires. Until some source publishes a new state, every call returns the same {@link MetricSnapshots}
 * instance, so /metrics can keep what it rendered from it. A source's families may be built only when first
 * asked for ({@link PollResult#later}): {@link #collectAsync} waits for that without blocking its caller.
 */
public final class SourceCollector implements MultiCollector {
    private final PollEngine engine;
    private final String version;
    private final AtomicReference<Collected> last = new AtomicReference<>(new Collected(List.of(), null));

    /** The snapshots made, or being made, from these source states (compared by identity: each poll publishes a new one). */
    private record Collected(List<SourceState> states, Future<MetricSnapshots> snapshots) {
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

    /**
     * The snapshots of the sources' last states, once every source's families are built. Scrapes that ask while
     * they are being built get the same future. Its callbacks may run on a source's context: callers that must
     * answer on their own hop back (CachedPart).
     */
    public Future<MetricSnapshots> collectAsync() {
        List<PollEngine.SourceView> views = engine.sources();
        List<SourceState> states = views.stream().map(PollEngine.SourceView::state).toList();
        Collected seen = last.get();
        if (seen.from(states)) {
            return seen.snapshots();
        }
        List<Future<List<MetricSnapshot>>> families = states.stream()
                .map(s -> s.result().map(PollResult::families).orElse(Future.succeededFuture(List.of()))).toList();
        Future<MetricSnapshots> made = Future.all(families).map(all -> collect(views, states, families));
        Collected fresh = new Collected(states, made);
        if (last.compareAndSet(seen, fresh)) {
            return made;
        }
        Collected other = last.get();
        return other.from(states) ? other.snapshots() : made;
    }

    /**
     * The same, waited for: for callers on no event loop ({@code --once}). Never call it on a source's context, where
     * the families it waits for are built.
     */
    @Override
    public MetricSnapshots collect() {
        try {
            return collectAsync().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the sources' families were built", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the sources' families were not built: " + e, e);
        }
    }

    private MetricSnapshots collect(List<PollEngine.SourceView> views, List<SourceState> states, List<Future<List<MetricSnapshot>>> families) {
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
        for (int i = 0; i < views.size(); i++) {
            String name = views.get(i).name();
            SourceState state = states.get(i);
            up.add(state.up() ? 1 : 0, name);
            lastSuccess.add(state.lastSuccess().map(t -> t.toEpochMilli() / 1000.0).orElse(0.0), name);
            state.pollDurations().ifPresent(d -> durations.add(d, name));
            families.get(i).result().forEach(family -> add(byName, family));
        }
        for (MetricSnapshot own : List.of(up.build(), lastSuccess.build(), durations.build())) {
            if (!own.getDataPoints().isEmpty()) {
                add(byName, own);
            }
        }
        MetricSnapshots.Builder out = MetricSnapshots.builder();
        for (List<MetricSnapshot> same : byName.values()) {
            out.metricSnapshot(same.size() == 1 ? same.get(0) : merge(same));
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
