package dev.vigil.poll;

import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.List;

/**
 * What one successful poll produced: metric families ready to render, a short human detail for the
 * status page (e.g. "12 queues") and the number of things read, for the poll's span. Immutable, so the
 * scrape can read it from any thread.
 */
public record PollResult(List<MetricSnapshot> families, String detail, long items) {
    public PollResult {
        families = List.copyOf(families);
    }

    /** A result whose number of items (queues, databases, caches) is not reported on the poll span. */
    public PollResult(List<MetricSnapshot> families, String detail) {
        this(families, detail, -1);
    }
}
