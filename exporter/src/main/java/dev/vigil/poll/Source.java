package dev.vigil.poll;

import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;

/**
 * Something Vigil reads on an interval. A source only knows how to read once; the {@link PollEngine}
 * owns the schedule, the timeout, overlap and the self metrics.
 */
public interface Source {
    /** Unique among sources; the value of the {@code source} label on self metrics. */
    String name();

    /** What kind of thing this reads, e.g. {@code bullmq}; shown on the status page. */
    String kind();

    Duration interval();

    Duration timeout();

    /** Reads the source once. Completes with an immutable snapshot, or fails (preferably with a {@link PollException}). */
    Future<PollResult> poll();

    /**
     * Families published while the source is down, in place of its last poll's. Empty for most sources,
     * because stale numbers would mislead; a source whose metric means "could Vigil read it" (redis_exporter's
     * {@code redis_up 0}) reports that here, so the alerts written for it still fire.
     */
    default List<MetricSnapshot> whileDown() {
        return List.of();
    }

    /** Releases connections; called once on shutdown. */
    Future<Void> close();
}
