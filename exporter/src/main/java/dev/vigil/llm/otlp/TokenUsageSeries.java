package dev.vigil.llm.otlp;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns {@code gen_ai.client.token.usage} points into the tokens and calls added since the last point of the
 * same series. A delta point is its own increase. A cumulative series is known by its sender's resource, its
 * attributes and its start time, so a sender that restarts (a new start time) begins a new series instead of
 * going negative, and two processes that share a resource cannot be mistaken for one series that resets.
 * <p>
 * The first point of a cumulative series counts in full when the series began after Vigil started, or when Vigil
 * already follows that sender's export stream (same resource and start time: the series is new in it). Otherwise
 * Vigil may have counted part of it before a restart of its own, so the point is only the baseline: usage can be
 * missed then, never counted twice. So is a series that Vigil forgot (beyond {@code maxSeries}) and sees again:
 * without that, a sender with more series than the bound would have each counted in full at every export. A point
 * no newer than the last one of its series adds nothing. Guarded by the ingest's lock.
 */
final class TokenUsageSeries {
    /** Tokens and calls since the previous point; {@code regressed} when a cumulative sum went down. */
    record Increase(long tokens, long calls, boolean regressed) {
        static final Increase NONE = new Increase(0, 0, false);
    }

    private record SeriesId(Attributes resource, Attributes attributes, long startNanos) {
    }

    private record Stream(Attributes resource, long startNanos) {
    }

    private final long vigilStartNanos;
    private final Map<SeriesId, long[]> last;
    /** Export streams seen, with the number of the request that first brought each. */
    private final Map<Stream, Long> streams;
    /**
     * The latest start time among the series forgotten (unsigned; meaningful once {@code forgotten}): a series that
     * started no later may be one of them, already counted, so its first point here is only a baseline.
     */
    private long forgottenStartNanos;
    private boolean forgotten;

    TokenUsageSeries(long vigilStartNanos, int maxSeries) {
        this.vigilStartNanos = vigilStartNanos;
        // Least recently updated series go first: a sender gone for good stops costing memory.
        this.last = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<SeriesId, long[]> eldest) {
                if (size() <= maxSeries) {
                    return false;
                }
                forget(eldest.getKey().startNanos());
                return true;
            }
        };
        this.streams = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Stream, Long> eldest) {
                return size() > maxSeries;
            }
        };
    }

    /**
     * @param tokens  the point's sum, already checked to be a whole number from 0 up
     * @param request the number of the request the point came in, growing by one per request
     */
    Increase increase(TokenPoint p, long tokens, long request) {
        if (p.temporality() == TokenPoint.DELTA) {
            return new Increase(tokens, p.count(), false);
        }
        SeriesId id = new SeriesId(p.resource(), p.attributes(), p.startNanos());
        long[] previous = last.get(id);
        Stream stream = new Stream(p.resource(), p.startNanos());
        Long firstSeen = streams.putIfAbsent(stream, request);
        boolean followed = firstSeen != null && firstSeen < request;
        if (previous != null && p.timeNanos() != 0 && Long.compareUnsigned(p.timeNanos(), previous[2]) <= 0) {
            // A point no newer than the last one taken is an exporter's retry (it timed out before Vigil answered):
            // as a baseline it would lower the series, and the next point would count that growth again.
            return Increase.NONE;
        }
        last.put(id, new long[] {tokens, p.count(), p.timeNanos()});
        if (previous == null) {
            boolean mayBeForgotten = forgotten && Long.compareUnsigned(p.startNanos(), forgottenStartNanos) <= 0;
            boolean full = (Long.compareUnsigned(p.startNanos(), vigilStartNanos) >= 0 || followed) && !mayBeForgotten;
            return full ? new Increase(tokens, p.count(), false) : Increase.NONE;
        }
        if (tokens < previous[0] || p.count() < previous[1]) {
            return new Increase(0, 0, true);
        }
        return new Increase(tokens - previous[0], p.count() - previous[1], false);
    }

    private void forget(long startNanos) {
        if (!forgotten || Long.compareUnsigned(startNanos, forgottenStartNanos) > 0) {
            forgottenStartNanos = startNanos;
        }
        forgotten = true;
    }
}
