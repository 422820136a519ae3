package dev.vigil.bullmq;

import java.util.Map;
import java.util.OptionalInt;

/** What one poll learned about one queue. */
record QueueState(
        QueueRef queue,
        Map<JobState, Long> counts,
        boolean paused,
        double oldestWaitingAgeSeconds,
        OptionalInt workers) {

    QueueState {
        counts = Map.copyOf(counts);
    }
}
