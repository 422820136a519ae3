package dev.vigil.bullmq;

import dev.vigil.redis.OwnLookups;
import dev.vigil.redis.Pipeline;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.logging.Logger;

/**
 * Tails every queue's events stream ({@code <prefix>:<queue>:events}) from the last id read, in one
 * pipelined round trip for all queues, and turns BullMQ's events into exact counters: finished jobs are
 * counted from the stream, so removeOnComplete/removeOnFail cannot hide them. A second round trip reads
 * the timestamps of jobs that just finished, while their hashes may still exist.
 *
 * <p>Event shapes are those BullMQ's Lua scripts write (moveToFinished, retryJob, moveToDelayed,
 * moveStalledJobsToWait, prepareJobForProcessing, storeJob). Bull 3 has no events stream.
 */
final class EventsTail {
    private static final Logger LOG = Logger.getLogger(EventsTail.class.getName());

    private final String prefix;
    private final int maxEventsPerPoll;
    private final int maxTrackedJobs;
    private final int maxJobNames;
    private final boolean labelJobNames;
    /** Cursors of queues that dropped out of the list, kept so a queue that comes back resumes where it was. */
    static final int MAX_DROPPED_CURSORS = 1000;

    private final Map<QueueRef, QueueCursor> cursors = new HashMap<>();
    // A queue can leave the list and come back (skipped for a WRONGTYPE key, pushed out by max_queues, its
    // keys briefly gone): resuming its cursor counts each event once, where a new cursor would read its
    // stream from the start again. A stream re-created meanwhile only has ids after the cursor's, so it is
    // read whole all the same. Least recently dropped first out.
    private final Map<QueueRef, QueueCursor> dropped = new java.util.LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<QueueRef, QueueCursor> eldest) {
            return size() > MAX_DROPPED_CURSORS;
        }
    };
    private boolean firstRead = true;
    private boolean noEntriesAddedLogged;

    private final JobSpans jobSpans;
    private final OwnLookups lookups;

    EventsTail(String prefix, int maxEventsPerPoll, int maxTrackedJobs, boolean labelJobNames, int maxJobNames,
               JobSpans jobSpans, OwnLookups lookups) {
        this.jobSpans = jobSpans;
        this.lookups = lookups;
        this.prefix = prefix;
        this.maxEventsPerPoll = maxEventsPerPoll;
        this.maxTrackedJobs = maxTrackedJobs;
        this.labelJobNames = labelJobNames;
        this.maxJobNames = maxJobNames;
    }

    /**
     * Reads new events of these queues and returns the totals of every queue still present. Queues seen at
     * the first read start at their stream's end (history before Vigil started is not counted); queues that
     * appear later start at the beginning of their stream, since it was created while Vigil watched.
     */
    CompletionStage<Map<QueueRef, FinishedJobs>> read(Pipeline pipeline, List<QueueRef> queues, Context pollContext) {
        RedisClusterAsyncCommands<String, String> redis = pipeline.commands();
        List<RedisFuture<?>> replies = new ArrayList<>();
        for (QueueRef q : queues) {
            QueueCursor c = cursors.computeIfAbsent(q, k -> {
                QueueCursor resumed = dropped.remove(k);
                return resumed != null ? resumed : new QueueCursor(firstRead, maxTrackedJobs, labelJobNames, maxJobNames);
            });
            replies.addAll(c.request(redis, q.key("events"), maxEventsPerPoll));
        }
        firstRead = false;
        Set<QueueRef> present = Set.copyOf(queues);
        for (var it = cursors.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!present.contains(e.getKey())) {
                dropped.put(e.getKey(), e.getValue());
                it.remove();
            }
        }
        return pipeline.send(replies).thenCompose(v -> {
            List<Completion> completions = new ArrayList<>();
            for (QueueRef q : queues) {
                QueueCursor c = cursors.get(q);
                c.apply(q, completions, lookups, this::noEntriesAdded);
            }
            return readFinishedJobs(pipeline, completions, Span.fromContext(pollContext).getSpanContext());
        }).thenApply(v -> {
            Map<QueueRef, FinishedJobs> out = new HashMap<>();
            cursors.forEach((q, c) -> out.put(q, c.totals));
            return out;
        });
    }

    private void noEntriesAdded() {
        if (!noEntriesAddedLogged) {
            noEntriesAddedLogged = true;
            LOG.warning("prefix " + prefix + ": this Redis (before 7.0) does not report a stream's entries-added,"
                    + " so events lost to stream trimming cannot be counted");
        }
    }

    private CompletionStage<Void> readFinishedJobs(Pipeline pipeline, List<Completion> completions, SpanContext poll) {
        List<RedisFuture<?>> replies = new ArrayList<>();
        for (Completion c : completions) {
            c.hash = pipeline.commands().hmget(c.queue.jobKey(c.jobId), "timestamp", "delay", "processedOn", "finishedOn", "name", "atm");
            replies.add(c.hash);
        }
        return pipeline.send(replies).thenAccept(v -> completions.forEach(c -> {
            lookups.count(c.hash, OwnLookups.Reply.FIELDS);
            observe(c, poll);
        }));
    }

    /**
     * Latency from the job hash when it still exists (clocks of the producer and the worker), else from the
     * stream ids of the job's own events (Redis' clock).
     */
    private void observe(Completion c, SpanContext poll) {
        Map<String, String> h = hashFields(c.hash);
        Long timestamp = number(h.get("timestamp"));
        Long processedOn = number(h.get("processedOn"));
        Long finishedOn = number(h.get("finishedOn"));
        long ready;
        long active;
        long finished;
        if (processedOn != null && finishedOn != null && timestamp != null) {
            Long delay = number(h.get("delay"));
            ready = timestamp + (delay == null ? 0 : delay);
            active = processedOn;
            finished = finishedOn;
        } else if (c.trail != null && c.trail.activeMs > 0) {
            ready = c.trail.readyMs;
            active = c.trail.activeMs;
            finished = c.finishedMs;
        } else {
            return; // started before Vigil watched and already removed: counted, but its times are unknown
        }
        String name = h.get("name") != null ? h.get("name") : c.trail == null ? null : c.trail.name;
        SpanContext job = jobSpans.emit(c.queue, c.jobId, name, h.get("atm"), c.failed, ready, active, finished);
        if (c.failed) {
            return; // the histograms are of completed jobs
        }
        // The job's own trace is the better exemplar; else the poll that saw it finish.
        SpanContext exemplar = job != null && job.isSampled() ? job : poll;
        String traceId = exemplar.isSampled() ? exemplar.getTraceId() : null;
        String spanId = exemplar.isSampled() ? exemplar.getSpanId() : null;
        if (ready > 0) {
            c.totals.wait.observeMillis(active - ready, traceId, spanId);
        }
        c.totals.processing.observeMillis(finished - active, traceId, spanId);
    }

    private static Map<String, String> hashFields(RedisFuture<List<KeyValue<String, String>>> f) {
        Map<String, String> out = new HashMap<>();
        try {
            for (KeyValue<String, String> kv : f.toCompletableFuture().join()) {
                if (kv.hasValue()) {
                    out.put(kv.getKey(), kv.getValue());
                }
            }
        } catch (CompletionException e) {
            if (!(e.getCause() instanceof RedisCommandExecutionException)) {
                throw e;
            }
        }
        return out;
    }

    static Long number(String s) {
        if (s == null) {
            return null;
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A completed job whose hash is read in the second round trip. */
    static final class Completion {
        final QueueRef queue;
        final String jobId;
        final long finishedMs;
        final JobTrail.Entry trail;
        final FinishedJobs.Totals totals;
        final boolean failed;
        RedisFuture<List<KeyValue<String, String>>> hash;

        Completion(QueueRef queue, String jobId, long finishedMs, JobTrail.Entry trail, FinishedJobs.Totals totals, boolean failed) {
            this.failed = failed;
            this.queue = queue;
            this.jobId = jobId;
            this.finishedMs = finishedMs;
            this.trail = trail;
            this.totals = totals;
        }
    }
}
