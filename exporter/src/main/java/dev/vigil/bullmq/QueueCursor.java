package dev.vigil.bullmq;

import dev.vigil.redis.Batch;
import dev.vigil.redis.OwnLookups;
import io.lettuce.core.StreamMessage;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Where Vigil is in one queue's events stream, and what it has counted from it. Loss accounting uses
 * XINFO STREAM's entries-added (Redis 7+): whatever was added since the last catch-up but not read was
 * trimmed away before Vigil saw it. XINFO is asked only when it can tell something: at the first read, on
 * the full-read cycle, and right after a read that found events.
 */
final class QueueCursor {
    private static final Logger LOG = Logger.getLogger(QueueCursor.class.getName());

    final FinishedJobs totals;
    private final JobTrail trail;
    private StreamId lastId;              // null until the stream's end is known (queues seen at start)
    private Boolean streamExists;         // at the last XINFO or XREAD that told; null before either did
    private long addedMark = -1;          // entries-added at the last catch-up; -1 unknown
    private long readSinceMark;
    private String pendingRetryJob;       // "waiting" after "active": a retry, unless "stalled" follows
    private boolean lossLogged;
    private boolean reading;              // the XREAD in flight includes this stream
    private StreamId encodedId;           // the id encodedFrom holds
    private byte[] encodedFrom;
    /** The stream's key, encoded for the XREAD once; kept here by EventsTail, which knows the queue. */
    byte[] encodedKey;
    /** The stream's key as XREAD's reply names it, made once; kept here by EventsTail. */
    String key;

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

    /** The queue's changes show in its stream: the stream exists and Vigil knows where it is in it. */
    boolean tails() {
        return lastId != null && Boolean.TRUE.equals(streamExists);
    }

    /**
     * Whether the next read needs XINFO STREAM before its XREAD, in the same round trip (XINFO first: entries
     * XREAD returns beyond its last-generated-id arrived meanwhile and wait for the next poll). Starts a new
     * read: what a poll that failed half-way asked is forgotten (loss accounting waits for the next XINFO).
     */
    boolean needsInfo(boolean fullRead) {
        reading = false;
        return fullRead || lastId == null || streamExists == null;
    }

    /** The stream's end is not known yet: nothing of it was read, so its end is asked before any XREAD of it. */
    boolean endUnknown() {
        return lastId == null;
    }

    /** Where this stream's XREAD starts, or null when its end is not known yet (its first XINFO is in flight). */
    String readFrom() {
        return readFromEncoded() == null ? null : lastId.toString();
    }

    /** {@link #readFrom()} encoded for the XREAD, encoded again only when the cursor moved. */
    byte[] readFromEncoded() {
        reading = lastId != null;
        if (!reading) {
            return null;
        }
        if (encodedId != lastId) {
            encodedId = lastId;
            encodedFrom = Batch.bulk(lastId.toString());
        }
        return encodedFrom;
    }

    /**
     * Takes in this stream's part of the settled XREAD and the XINFO sent before it, if one was ({@code stream},
     * else null).
     *
     * @return whether any event was read: the queue's state may have changed
     */
    boolean apply(QueueRef queue, List<StreamMessage<String, String>> messages, StreamInfo stream, int requested,
                  List<Completion> completions, OwnLookups lookups, Runnable noEntriesAdded) {
        if (stream != null) {
            streamExists = stream.exists();
            if (lastId == null) {
                lastId = stream.lastGeneratedId();
                addedMark = stream.entriesAdded();
                return false;
            }
        }
        if (reading) {
            lookups.countStreamRead(Boolean.TRUE.equals(streamExists) || !messages.isEmpty());
            reading = false;
        }
        int processed = 0;
        for (StreamMessage<String, String> m : messages) {
            StreamId id = StreamId.parse(m.getId());
            if (stream != null && id.compareTo(stream.lastGeneratedId()) > 0) {
                break;
            }
            event(queue, id, m.getBody(), completions);
            lastId = id;
            processed++;
        }
        readSinceMark += processed;
        if (!messages.isEmpty()) {
            streamExists = true;
        }
        if (stream != null && (messages.size() < requested || lastId.compareTo(stream.lastGeneratedId()) >= 0)) {
            caughtUp(queue, stream, noEntriesAdded);
        }
        return processed > 0;
    }

    /**
     * Takes in an XINFO sent in the round trip after the XREAD (for a queue that moved, so that events
     * trimmed before Vigil read them are counted in the same poll). It can only close the loss accounting
     * when nothing arrived between the two; otherwise a later XINFO does, since the accounting is cumulative.
     */
    void applyLateInfo(QueueRef queue, StreamInfo stream, Runnable noEntriesAdded) {
        streamExists = stream.exists();
        if (lastId.compareTo(stream.lastGeneratedId()) >= 0) {
            caughtUp(queue, stream, noEntriesAdded);
        }
    }

    private void caughtUp(QueueRef queue, StreamInfo stream, Runnable noEntriesAdded) {
        if (stream.lastGeneratedId().compareTo(lastId) > 0) {
            lastId = stream.lastGeneratedId(); // entries deleted by XDEL/XTRIM beyond what we read
        }
        if (stream.entriesAdded() < 0) {
            if (stream.exists()) {
                noEntriesAdded.run();
            }
        } else {
            long mark = stream.entriesAdded() < addedMark ? 0 : Math.max(addedMark, 0); // stream recreated: count from 0
            long lost = stream.entriesAdded() - mark - readSinceMark;
            if (addedMark >= 0 && lost > 0) {
                totals.eventsLost += lost;
                if (!lossLogged) {
                    lossLogged = true;
                    LOG.warning("queue " + queue.name() + ": " + lost + " events were trimmed from " + queue.key("events")
                            + " before Vigil read them; poll more often or raise the queue's maxLenEvents");
                }
            }
            addedMark = stream.entriesAdded();
        }
        readSinceMark = 0;
    }

    private void event(QueueRef queue, StreamId id, Map<String, String> body, List<Completion> completions) {
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
                completions.add(new Completion(queue, jobId, id.ms(), trail.finish(jobId), t, false));
            }
            case "failed" -> {
                FinishedJobs.Totals t = totalsFor(jobId);
                t.failed++; // moveToFinished: only final failures write "failed"
                completions.add(new Completion(queue, jobId, id.ms(), trail.finish(jobId), t, true));
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
}
