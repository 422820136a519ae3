package dev.vigil.poll;

import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.List;

/**
 * What one successful poll produced: metric families ready to render, plus a short human detail
 * for the status page (e.g. "12 queues"). Immutable, so the scrape can read it from any thread.
 */
public record PollResult(List<MetricSnapshot> families, String detail) {
    public PollResult {
        families = List.copyOf(families);
    }
}
