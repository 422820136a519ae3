package dev.vigil.poll;

import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The latest known state of one source, replaced whole after each poll (never mutated), so a scrape
 * or the status page never sees half a poll.
 */
public record SourceState(
        boolean polledOnce,
        boolean up,
        Optional<PollResult> result,
        Optional<Instant> lastPoll,
        double lastDurationSeconds,
        Optional<Instant> lastSuccess,
        Optional<String> lastError,
        Optional<Histogram.Snapshot> pollDurations) {

    public static SourceState initial() {
        return new SourceState(false, false, Optional.empty(), Optional.empty(), 0, Optional.empty(), Optional.empty(), Optional.empty());
    }

    SourceState succeeded(PollResult r, Instant at, double seconds, Histogram.Snapshot durations) {
        return new SourceState(true, true, Optional.of(r), Optional.of(at), seconds, Optional.of(at), Optional.empty(), Optional.of(durations));
    }

    /**
     * A failed poll drops the source's metrics: stale numbers from a source that is down would mislead. Only
     * what the source says about itself while down ({@link Source#familiesWhenDown()}) stays.
     */
    SourceState failed(String error, Instant at, double seconds, Histogram.Snapshot durations, List<MetricSnapshot> whenDown) {
        Optional<PollResult> shown = whenDown.isEmpty() ? Optional.empty() : Optional.of(new PollResult(whenDown, ""));
        return new SourceState(true, false, shown, Optional.of(at), seconds, lastSuccess, Optional.of(error), Optional.of(durations));
    }
}
