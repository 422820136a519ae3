package dev.vigil.bullmq;

import dev.vigil.redis.Batch;
import java.util.List;

/**
 * A job the events stream says finished (completed, or failed for good): counted by {@link QueueCursor} as it
 * reads the event, its latency observed by {@link EventsTail} once its hash, read in the next round trip, is in.
 */
final class Completion {
    final QueueRef queue;
    final String jobId;
    final long finishedMs;
    final JobTrail.Entry trail;
    final FinishedJobs.Totals totals;
    final boolean failed;
    Batch.Reply<List<String>> hash;

    Completion(QueueRef queue, String jobId, long finishedMs, JobTrail.Entry trail, FinishedJobs.Totals totals, boolean failed) {
        this.failed = failed;
        this.queue = queue;
        this.jobId = jobId;
        this.finishedMs = finishedMs;
        this.trail = trail;
        this.totals = totals;
    }
}
