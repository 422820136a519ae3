package dev.vigil.bullmq;

import dev.vigil.redis.OwnLookups;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.logging.Logger;

/**
 * Where Vigil is in one queue's events stream, and what it has counted from it. Loss accounting uses
 * XINFO STREAM's entries-added (Redis 7+): whatever was added since the last catch-up but not read was
 * trimmed away before Vigil saw it.
 */
final class QueueCursor {
    private static final Logger LOG = Logger.getLogger(QueueCursor.class.getName());

    final FinishedJobs totals;
    private final JobTrail trail;
    private StreamId lastId;              // null until the stream's end is known (queues seen at start)
    private long addedMark = -1;          // entries-added at the last catch-up; -1 unknown
    private long readSinceMark;
    private String pendingRetryJob;       // "waiting" after "active": a retry, unless "stalled" follows
    private boolean lossLogged;
    private RedisFuture<List<Object>> info;
    private RedisFuture<List<StreamMessage<String, String>>> read;
    private int requested;

    private final boolean labelJobNames;

    QueueCursor(boolean startAtEnd, int maxTrackedJobs, boolean labelJobNames, int maxJobNames) {
        this.labelJobNames = labelJobNames;
        this.totals = new FinishedJobs(maxJobNames);
        if (!labelJobNames) {
            totals.of(""); // the queue's counters exist (at 0) from the start, so rate() and absence alerts work
        }
        this.trail = new JobTrail(maxTrackedJobs);
        this.lastId = startAtEnd ? null : StreamId.ZERO;
    }

    List<RedisFuture<?>> request(RedisClusterAsyncCommands<String, String> redis, String key, int maxEvents) {
        // XINFO first: entries XREAD returns beyond its last-generated-id arrived meanwhile and wait for the next poll.
        info = redis.xinfoStream(key);
        read = lastId == null ? null : redis.xread(XReadArgs.Builder.count(maxEvents), XReadArgs.StreamOffset.from(key, lastId.toString()));
        requested = maxEvents;
        return read == null ? List.of(info) : List.of(info, read);
    }

    void apply(QueueRef queue, List<EventsTail.Completion> completions, OwnLookups lookups, Runnable noEntriesAdded) {
        StreamInfo stream = StreamInfo.of(info);
        lookups.countStreamInfo(info);
        if (lastId == null) {
            lastId = stream.lastGeneratedId;
            addedMark = stream.entriesAdded;
            return;
        }
        List<StreamMessage<String, String>> messages = read == null ? List.of() : join(read);
        if (read != null) {
            lookups.countStreamRead(stream.exists || !messages.isEmpty());
        }
        int processed = 0;
        for (StreamMessage<String, String> m : messages) {
            StreamId id = StreamId.parse(m.getId());
            if (id.compareTo(stream.lastGeneratedId) > 0) {
                break;
            }
            event(queue, id, m.getBody(), completions);
            lastId = id;
            processed++;
        }
        readSinceMark += processed;
        if (messages.size() < requested || lastId.compareTo(stream.lastGeneratedId) >= 0) {
            caughtUp(queue, stream, noEntriesAdded);
        }
    }

    private void caughtUp(QueueRef queue, StreamInfo stream, Runnable noEntriesAdded) {
        if (stream.lastGeneratedId.compareTo(lastId) > 0) {
            lastId = stream.lastGeneratedId; // entries deleted by XDEL/XTRIM beyond what we read
        }
        if (stream.entriesAdded < 0) {
            if (stream.exists) {
                noEntriesAdded.run();
            }
        } else {
            long mark = stream.entriesAdded < addedMark ? 0 : Math.max(addedMark, 0); // stream recreated: count from 0
            long lost = stream.entriesAdded - mark - readSinceMark;
            if (addedMark >= 0 && lost > 0) {
                totals.eventsLost += lost;
                if (!lossLogged) {
                    lossLogged = true;
                    LOG.warning("queue " + queue.name() + ": " + lost + " events were trimmed from " + queue.key("events")
                            + " before Vigil read them; poll more often or raise the queue's maxLenEvents");
                }
            }
            addedMark = stream.entriesAdded;
        }
        readSinceMark = 0;
    }

    private void event(QueueRef queue, StreamId id, Map<String, String> body, List<EventsTail.Completion> completions) {
        String event = body.get("event");
        String jobId = body.get("jobId");
        if (pendingRetryJob != null && !("stalled".equals(event) && pendingRetryJob.equals(jobId))) {
            totalsFor(pendingRetryJob).retried++;
        }
        pendingRetryJob = null;
        if (event == null || jobId == null) {
            return;
        }
        switch (event) {
            case "added" -> trail.of(jobId).name = body.get("name");
            case "waiting" -> {
                JobTrail.Entry e = trail.of(jobId);
                e.readyMs = id.ms();
                String prev = body.get("prev");
                if ("active".equals(prev)) {
                    pendingRetryJob = jobId; // retryJob / moveStalledJobsToWait / moveJobToWait
                } else if ("failed".equals(prev) && e.activeMs > 0) {
                    // Earlier BullMQ 5 retryJob scripts write prev=failed for a job leaving active. A failed job
                    // retried by hand (reprocessJob) writes it too, but that job is no longer active here.
                    totalsFor(jobId).retried++;
                }
                e.activeMs = 0;
            }
            case "delayed" -> {
                JobTrail.Entry e = trail.of(jobId);
                if (e.activeMs > 0) {
                    totalsFor(jobId).retried++; // moveToDelayed from active: a retry with backoff
                }
                e.readyMs = 0;
                e.activeMs = 0;
            }
            case "active" -> trail.of(jobId).activeMs = id.ms();
            case "stalled" -> totalsFor(jobId).stalled++;
            case "completed" -> {
                FinishedJobs.Totals t = totalsFor(jobId);
                t.completed++;
                completions.add(new EventsTail.Completion(queue, jobId, id.ms(), trail.finish(jobId), t, false));
            }
            case "failed" -> {
                FinishedJobs.Totals t = totalsFor(jobId);
                t.failed++; // moveToFinished: only final failures write "failed"
                completions.add(new EventsTail.Completion(queue, jobId, id.ms(), trail.finish(jobId), t, true));
            }
            default -> {
            }
        }
    }

    private FinishedJobs.Totals totalsFor(String jobId) {
        if (!labelJobNames) {
            return totals.of("");
        }
        JobTrail.Entry e = trail.peek(jobId);
        return totals.of(e == null || e.name == null || e.name.isEmpty() ? "unknown" : e.name);
    }

    private static <T> T join(RedisFuture<T> f) {
        return f.toCompletableFuture().join();
    }

    /** The parts of XINFO STREAM used here; a missing stream reads as empty. */
    private record StreamInfo(boolean exists, StreamId lastGeneratedId, long entriesAdded) {
        static StreamInfo of(RedisFuture<List<Object>> f) {
            List<Object> raw;
            try {
                raw = join(f);
            } catch (CompletionException e) {
                if (e.getCause() instanceof RedisCommandExecutionException) {
                    return new StreamInfo(false, StreamId.ZERO, -1); // ERR no such key: no events yet
                }
                throw e;
            }
            StreamId last = StreamId.ZERO;
            long added = -1;
            for (int i = 0; i + 1 < raw.size(); i += 2) {
                String field = String.valueOf(raw.get(i));
                if (field.equals("last-generated-id")) {
                    last = StreamId.parse(String.valueOf(raw.get(i + 1)));
                } else if (field.equals("entries-added")) {
                    added = ((Number) raw.get(i + 1)).longValue();
                }
            }
            return new StreamInfo(true, last, added);
        }
    }

}
