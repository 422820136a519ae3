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
        Optional<String> lastError) {

    public static SourceState initial() {
        return new SourceState(false, false, Optional.empty(), Optional.empty(), 0, Optional.empty(), Optional.empty());
    }

    SourceState succeeded(PollResult r, Instant at, double seconds) {
        return new SourceState(true, true, Optional.of(r), Optional.of(at), seconds, Optional.of(at), Optional.empty());
    }

    /**
     * A failed poll drops the source's metrics: stale numbers from a source that is down would mislead.
     * Only what the source reports {@linkplain Source#whileDown() while down} is kept.
     */
    SourceState failed(String error, Instant at, double seconds, List<MetricSnapshot> whileDown) {
        Optional<PollResult> down = whileDown.isEmpty() ? Optional.empty() : Optional.of(new PollResult(whileDown, ""));
        return new SourceState(true, false, down, Optional.of(at), seconds, lastSuccess, Optional.of(error));
    }
}
