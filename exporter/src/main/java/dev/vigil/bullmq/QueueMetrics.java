package dev.vigil.bullmq;

import dev.vigil.poll.FamilyBuilder;
import dev.vigil.poll.Histogram;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The BullMQ queue families, defined once; {@code bullmq_job_count} is named as in BullMQ's exportPrometheusMetrics.
 * Runs at every poll over every queue, so each queue's labels and finished-job totals are looked up once, not
 * once per family.
 */
final class QueueMetrics {
    /** values() copies its array at every call: once per queue per poll. */
    private static final JobState[] STATES = JobState.values();

    private QueueMetrics() {
    }

    /** @param finishedOf a queue's finished-job totals, null for a queue whose events are not read */
    static List<MetricSnapshot> of(List<QueueState> queues, Function<QueueRef, FinishedJobs> finishedOf, boolean labelJobNames, QueueLabels labels) {
        FamilyBuilder jobs = FamilyBuilder.gauge("bullmq_job_count",
                "Jobs in each state, from LLEN/ZCARD of the queue's keys, as BullMQ's getJobCounts() counts them",
                "redis", "prefix", "queue", "state");
        FamilyBuilder paused = FamilyBuilder.gauge("bullmq_queue_paused",
                "1 when the queue is paused (meta hash field 'paused', or Bull 3's meta-paused key), else 0",
                "redis", "prefix", "queue");
        FamilyBuilder oldest = FamilyBuilder.gauge("bullmq_queue_oldest_waiting_job_age_seconds",
                "Age on Redis' clock of the oldest job next in line (tail of wait and paused, head of prioritized), "
                        + "counted from when it became ready to run; 0 when none waits",
                "redis", "prefix", "queue");
        FamilyBuilder workers = FamilyBuilder.gauge("bullmq_queue_workers",
                "Worker connections of the queue, from CLIENT LIST names as BullMQ's getWorkers() matches them",
                "redis", "prefix", "queue");
        jobs.expect(queues.size() * STATES.length);
        paused.expect(queues.size());
        oldest.expect(queues.size());
        workers.expect(queues.size());
        QueueLabels.Of[] of = new QueueLabels.Of[queues.size()];
        FinishedJobs[] finished = new FinishedJobs[queues.size()];
        boolean anyFinished = false;
        for (int i = 0; i < of.length; i++) {
            QueueState q = queues.get(i);
            QueueLabels.Of l = labels.of(q.queue());
            of[i] = l;
            finished[i] = finishedOf.apply(q.queue());
            anyFinished |= finished[i] != null;
            for (JobState state : STATES) {
                long n = q.counts()[state.ordinal()];
                if (q.reports(state)) {
                    jobs.add(l.gauge(state.ordinal(), n));
                }
            }
            paused.add(l.gauge(QueueLabels.PAUSED, q.paused() ? 1 : 0));
            oldest.add(l.gauge(QueueLabels.OLDEST, q.oldestWaitingAgeSeconds()));
            if (q.workers().isPresent()) {
                workers.add(l.gauge(QueueLabels.WORKERS, q.workers().getAsInt()));
            }
        }
        List<MetricSnapshot> out = new ArrayList<>(List.of(jobs.build(labels.kept("bullmq_job_count")),
                paused.build(labels.kept("bullmq_queue_paused")), oldest.build(labels.kept("bullmq_queue_oldest_waiting_job_age_seconds")),
                workers.build(labels.kept("bullmq_queue_workers"))));
        if (anyFinished) {
            out.addAll(finishedFamilies(of, finished, labelJobNames, labels));
        }
        return out;
    }

    private static List<MetricSnapshot> finishedFamilies(QueueLabels.Of[] of, FinishedJobs[] finished, boolean labelJobNames,
                                                         QueueLabels queueLabels) {
        Finished families = new Finished(labelJobNames, of.length);
        for (int i = 0; i < of.length; i++) {
            FinishedJobs f = finished[i];
            if (f == null) {
                continue;
            }
            QueueLabels.Of l = of[i];
            if (!labelJobNames) {
                // One entry, under the queue's own labels: no walk of the map per queue per poll.
                families.add(l, l.queue, f.unnamed());
            } else {
                f.all().forEach((jobName, t) -> families.add(l, l.finished(jobName, true), t));
            }
            families.lost.add(l.eventsLost(f.eventsLost));
        }
        return families.build(queueLabels);
    }

    /** The finished-job families of one poll. */
    private static final class Finished {
        private static final String FROM = ", counted from the queue's events stream";
        final FamilyBuilder completed;
        final FamilyBuilder failed;
        final FamilyBuilder retried;
        final FamilyBuilder stalled;
        final FamilyBuilder wait;
        final FamilyBuilder processing;
        final FamilyBuilder lost;

        /**
         * @param queues how many queues are listed, an upper bound on those that report finished jobs: each family's
         *     list is made that large at once
         */
        Finished(boolean labelJobNames, int queues) {
            String[] labels = labelJobNames ? new String[] {"redis", "prefix", "queue", "job_name"} : new String[] {"redis", "prefix", "queue"};
            completed = FamilyBuilder.counter("bullmq_jobs_completed", "Jobs completed" + FROM, labels);
            failed = FamilyBuilder.counter("bullmq_jobs_failed", "Jobs failed for good (retries exhausted or unrecoverable)" + FROM, labels);
            retried = FamilyBuilder.counter("bullmq_jobs_retried",
                    "Jobs sent back to wait or delayed from active without finishing: retries, and rate-limit moves" + FROM, labels);
            stalled = FamilyBuilder.counter("bullmq_jobs_stalled", "Jobs found stalled (lock lost while active)" + FROM, labels);
            wait = FamilyBuilder.histogram("bullmq_job_wait_seconds",
                    "Time completed jobs waited from becoming ready (created plus delay) to being taken by a worker", labels);
            processing = FamilyBuilder.histogram("bullmq_job_processing_seconds",
                    "Time completed jobs took from processedOn to finishedOn", labels);
            lost = FamilyBuilder.counter("bullmq_events_lost",
                    "Events trimmed from the stream before Vigil read them (Redis 7+ only); counters missed these", "redis", "prefix", "queue");
            // Growing seven lists of 1,000 samples by copying was 7% of a settled 1,000-queue poll's CPU samples.
            for (FamilyBuilder f : List.of(completed, failed, retried, stalled, wait, processing, lost)) {
                f.expect(queues);
            }
        }

        void add(QueueLabels.Of l, Labels values, FinishedJobs.Totals t) {
            completed.add(l.counter(QueueLabels.COMPLETED, t.completed, values));
            failed.add(l.counter(QueueLabels.FAILED, t.failed, values));
            retried.add(l.counter(QueueLabels.RETRIED, t.retried, values));
            stalled.add(l.counter(QueueLabels.STALLED, t.stalled, values));
            // A histogram of no observations carries nothing but its 22 series: it appears with the first job.
            addIfObserved(wait, t.waitTimeIfAny(), values);
            addIfObserved(processing, t.processingTimeIfAny(), values);
        }

        List<MetricSnapshot> build(QueueLabels kept) {
            return List.of(completed.build(kept.kept("bullmq_jobs_completed")), failed.build(kept.kept("bullmq_jobs_failed")),
                    retried.build(kept.kept("bullmq_jobs_retried")), stalled.build(kept.kept("bullmq_jobs_stalled")),
                    wait.build(), processing.build(), lost.build(kept.kept("bullmq_events_lost")));
        }
    }

    private static void addIfObserved(FamilyBuilder family, Histogram h, Labels values) {
        if (h == null) {
            return;
        }
        Histogram.Snapshot snapshot = h.snapshot();
        if (snapshot.count() > 0) {
            family.add(snapshot, values);
        }
    }
}
