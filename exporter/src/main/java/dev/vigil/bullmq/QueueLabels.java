package dev.vigil.bullmq;

import io.prometheus.metrics.model.snapshots.Labels;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The label sets of each queue's series, built once and kept while the queue is listed: at thousands of
 * queues, building and validating the same labels at every poll was a large share of a poll's CPU.
 */
final class QueueLabels {
    private static final JobState[] STATES = JobState.values();

    static final class Of {
        final Labels queue;
        final Labels[] byState = new Labels[STATES.length];
        private final Map<String, Labels> byJobName = new HashMap<>();

        private Of(String redis, QueueRef q) {
            queue = Labels.of("redis", redis, "prefix", q.prefix(), "queue", q.name());
            for (JobState s : STATES) {
                byState[s.ordinal()] = queue.add("state", s.label);
            }
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
    private List<QueueRef> listed = List.of();

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
