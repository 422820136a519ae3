package dev.vigil.bullmq;

import java.util.OptionalInt;

/**
 * What one poll learned about one queue.
 *
 * @param counts jobs by {@link JobState} ordinal; never written (KnownQueue makes a new array when a count changes),
 *     so polls share it while no count changes. An array, not a map: the snapshot reads seven counts of every queue
 *     at every poll, and the map's lookups were 8% of a settled 1,000-queue poll's CPU samples
 * @param everHeld bit {@code 1 << ordinal} set for each state that has held a job at some poll while the queue was
 *     listed: the sparse states are reported from then on (JobState)
 */
record QueueState(
        QueueRef queue,
        long[] counts,
        int everHeld,
        boolean paused,
        double oldestWaitingAgeSeconds,
        OptionalInt workers) {

    /** Whether {@code state} is reported for this queue: it has a job now, always is, or has had one. */
    boolean reports(JobState state) {
        return counts[state.ordinal()] != 0 || state.reportedFromStart || (everHeld & (1 << state.ordinal())) != 0;
    }
}
