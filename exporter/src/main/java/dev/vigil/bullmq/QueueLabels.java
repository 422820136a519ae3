package dev.vigil.bullmq;

import dev.vigil.poll.FamilyBuilder;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The label sets of each queue's series, built once and kept while the queue is listed: at thousands of
 * queues, building and validating the same labels at every poll was a large share of a poll's CPU. With them
 * the last sample of each series, handed out again while its value stays the same, so that a poll allocates
 * in proportion to what changed and two snapshots in memory at once (the one served, the one being built)
 * share their unchanged samples.
 */
final class QueueLabels {
    private static final JobState[] STATES = JobState.values();
    /** Gauge slots after the job states'. */
    static final int PAUSED = STATES.length;
    static final int OLDEST = PAUSED + 1;
    static final int WORKERS = OLDEST + 1;
    /** Counter slots per job-name label value. */
    static final int COMPLETED = 0;
    static final int FAILED = 1;
    static final int RETRIED = 2;
    static final int STALLED = 3;

    static final class Of {
        final Labels queue;
        final Labels[] byState = new Labels[STATES.length];
        private final Map<String, Labels> byJobName = new HashMap<>();
        private final GaugeDataPointSnapshot[] gauges = new GaugeDataPointSnapshot[WORKERS + 1];
        // Each kept sample's value, compared here rather than read back from the sample, so that a poll of 1,000
        // queues need not touch 16,000 samples scattered over the heap (side by side, no change showed in its time).
        private final double[] gaugeValues = new double[WORKERS + 1];
        // By identity: the labels are this queue's own instances (queue, or one per job name), and hashing a Labels
        // walks its names and values, which at every poll of thousands of queues showed in the profile.
        private final Map<Labels, CounterDataPointSnapshot[]> counters = new IdentityHashMap<>();
        // Without job_name labels every counter is under the queue's labels: no lookup at all.
        private final CounterDataPointSnapshot[] queueCounters = new CounterDataPointSnapshot[STALLED + 1];
        private final long[] queueCounterValues = new long[STALLED + 1];
        private CounterDataPointSnapshot eventsLost;
        private long eventsLostValue;

        private Of(String redis, QueueRef q) {
            queue = Labels.of("redis", redis, "prefix", q.prefix(), "queue", q.name());
            for (JobState s : STATES) {
                byState[s.ordinal()] = queue.add("state", s.label);
            }
        }

        /** The sample of one of the queue's gauges ({@link #PAUSED}, {@link #OLDEST}, {@link #WORKERS} or a state's ordinal). */
        GaugeDataPointSnapshot gauge(int slot, double value) {
            GaugeDataPointSnapshot last = gauges[slot];
            if (last == null || Double.compare(gaugeValues[slot], value) != 0) {
                last = new GaugeDataPointSnapshot(value, slot < STATES.length ? byState[slot] : queue, null);
                gauges[slot] = last;
                gaugeValues[slot] = value;
            }
            return last;
        }

        /** The sample of one of the finished-job counters ({@link #COMPLETED} .. {@link #STALLED}) under {@code labels}. */
        CounterDataPointSnapshot counter(int slot, long value, Labels labels) {
            if (labels == queue) {
                CounterDataPointSnapshot last = queueCounters[slot];
                if (last == null || queueCounterValues[slot] != value) {
                    last = new CounterDataPointSnapshot(value, labels, null, 0);
                    queueCounters[slot] = last;
                    queueCounterValues[slot] = value;
                }
                return last;
            }
            CounterDataPointSnapshot[] kept = counters.computeIfAbsent(labels, l -> new CounterDataPointSnapshot[STALLED + 1]);
            CounterDataPointSnapshot last = kept[slot];
            if (last == null || last.getValue() != value) {
                last = new CounterDataPointSnapshot(value, labels, null, 0);
                kept[slot] = last;
            }
            return last;
        }

        CounterDataPointSnapshot eventsLost(long value) {
            if (eventsLost == null || eventsLostValue != value) {
                eventsLost = new CounterDataPointSnapshot(value, queue, null, 0);
                eventsLostValue = value;
            }
            return eventsLost;
        }

        /** The counters' labels: the queue's, plus job_name when names are labels. */
        Labels finished(String jobName, boolean labelJobNames) {
            if (!labelJobNames) {
                return queue;
            }
            return byJobName.computeIfAbsent(jobName, n -> queue.add("job_name", n));
        }
    }

    // Two sources may see the same prefix and queue names on different Redis connections: the redis label
    // (the connection's redis.<name>) tells their series apart.
    private final String redis;
    private final Map<QueueRef, Of> byQueue = new HashMap<>();
    private final Map<String, FamilyBuilder.Kept> families = new HashMap<>();
    private List<QueueRef> listed = List.of();

    /** The last build of a family, so that a family of unchanged samples is the same snapshot as last poll. */
    FamilyBuilder.Kept kept(String family) {
        return families.computeIfAbsent(family, f -> new FamilyBuilder.Kept());
    }

    QueueLabels(String redis) {
        this.redis = redis;
    }

    Of of(QueueRef q) {
        return byQueue.computeIfAbsent(q, r -> new Of(redis, r));
    }

    /** Forgets queues no longer listed; cheap when the list is the same object as last time. */
    void keepOnly(List<QueueRef> queues) {
        if (queues != listed) {
            listed = queues;
            byQueue.keySet().retainAll(Set.copyOf(queues));
        }
    }
}
