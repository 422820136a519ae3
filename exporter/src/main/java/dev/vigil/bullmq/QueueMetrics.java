package dev.vigil.bullmq;

import dev.vigil.poll.FamilyBuilder;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.List;

/** The BullMQ queue families, defined once; {@code bullmq_job_count} is named as in BullMQ's exportPrometheusMetrics. */
final class QueueMetrics {
    private QueueMetrics() {
    }

    static List<MetricSnapshot> of(List<QueueState> queues) {
        FamilyBuilder jobs = FamilyBuilder.gauge("bullmq_job_count",
                "Jobs in each state, from LLEN/ZCARD of the queue's keys, as BullMQ's getJobCounts() counts them",
                "prefix", "queue", "state");
        FamilyBuilder paused = FamilyBuilder.gauge("bullmq_queue_paused",
                "1 when the queue is paused (meta hash field 'paused', or Bull 3's meta-paused key), else 0",
                "prefix", "queue");
        FamilyBuilder oldest = FamilyBuilder.gauge("bullmq_queue_oldest_waiting_job_age_seconds",
                "Age on Redis' clock of the oldest job next in line (tail of wait and paused, head of prioritized), "
                        + "counted from when it became ready to run; 0 when none waits",
                "prefix", "queue");
        FamilyBuilder workers = FamilyBuilder.gauge("bullmq_queue_workers",
                "Worker connections of the queue, from CLIENT LIST names as BullMQ's getWorkers() matches them",
                "prefix", "queue");
        for (QueueState q : queues) {
            String prefix = q.queue().prefix();
            String name = q.queue().name();
            for (JobState state : JobState.values()) {
                jobs.add(q.counts().get(state), prefix, name, state.label);
            }
            paused.add(q.paused() ? 1 : 0, prefix, name);
            oldest.add(q.oldestWaitingAgeSeconds(), prefix, name);
            q.workers().ifPresent(n -> workers.add(n, prefix, name));
        }
        return List.of(jobs.build(), paused.build(), oldest.build(), workers.build());
    }
}
