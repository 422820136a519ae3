package dev.vigil.bullmq;

import dev.vigil.poll.Histogram;
import java.util.HashMap;
import java.util.Map;

/**
 * The cumulative counters and latency histograms of one queue, per job-name label value ("" when job
 * names are not labels). Lives as long as the source, so the counters never go back when Redis does.
 */
final class FinishedJobs {
    /** 5 ms to 6 h: fast API-side jobs and long batch jobs in one scale. */
    static final double[] LATENCY_BUCKETS = {
        0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600};

    static final class Totals {
        long completed;
        long failed;
        long retried;
        long stalled;
        // Made at the first completed job: most of thousands of queues never finish one while Vigil watches, and
        // two empty histograms per queue (bounds, counts, exemplars, snapshot) were most of the heap at 10,000 queues.
        private Histogram wait;
        private Histogram processing;

        Histogram waitTime() {
            if (wait == null) {
                wait = new Histogram(LATENCY_BUCKETS);
            }
            return wait;
        }

        Histogram processingTime() {
            if (processing == null) {
                processing = new Histogram(LATENCY_BUCKETS);
            }
            return processing;
        }

        /** The wait-time histogram, or null before the first completed job that had a ready time. */
        Histogram waitTimeIfAny() {
            return wait;
        }

        /** The processing-time histogram, or null before the first completed job. */
        Histogram processingTimeIfAny() {
            return processing;
        }
    }

    private final Map<String, Totals> byName = new HashMap<>();
    private final int maxNames;
    long eventsLost;
    /** The totals under "", the only ones when job names are not labels, kept out of the map for the poll's sake. */
    private final Totals unnamed = new Totals();

    FinishedJobs(int maxNames) {
        this.maxNames = maxNames;
    }

    /** The totals of a queue whose job names are not labels ({@code of("")}), without a map lookup. */
    Totals unnamed() {
        return unnamed;
    }

    /** The totals for a job-name label value; beyond the cap, names share the value "other". */
    Totals of(String nameLabel) {
        if (nameLabel.isEmpty()) {
            byName.putIfAbsent("", unnamed);
            return unnamed;
        }
        Totals t = byName.get(nameLabel);
        if (t != null) {
            return t;
        }
        String key = byName.size() >= maxNames ? "other" : nameLabel;
        return byName.computeIfAbsent(key, k -> new Totals());
    }

    Map<String, Totals> all() {
        return byName;
    }
}
