package dev.vigil.bullmq;

import dev.vigil.redis.Batch;
import dev.vigil.redis.OwnLookups;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.cluster.SlotHash;
import io.opentelemetry.api.trace.SpanContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Tails every queue's events stream ({@code <prefix>:<queue>:events}) from the last id read, with one
 * multi-stream XREAD for all queues, and turns BullMQ's events into exact counters: finished jobs are
 * counted from the stream, so removeOnComplete/removeOnFail cannot hide them. Which streams had events also
 * tells which queues' state to read again. A second round trip reads the timestamps of jobs that just
 * finished, while their hashes may still exist.
 *
 * <p>Event shapes are those BullMQ's Lua scripts write (moveToFinished, retryJob, moveToDelayed,
 * moveStalledJobsToWait, prepareJobForProcessing, storeJob). Bull 3 has no events stream.
 */
final class EventsTail {
    private static final Logger LOG = Logger.getLogger(EventsTail.class.getName());

    /** The source, as its log lines name it (kind, redis and prefix: two sources may share a prefix). */
    private final String source;
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
    private static final String[] JOB_FIELDS = {"timestamp", "delay", "processedOn", "finishedOn", "name", "atm"};
    private boolean firstRead = true;
    // Between the first round trip and the second: the XINFO of the queues that moved, the jobs whose hashes follow.
    private Map<QueueRef, Batch.Reply<List<Object>>> lateInfo = Map.of();
    private List<Completion> completions = List.of();
    private boolean noEntriesAddedLogged;

    private final JobSpans jobSpans;
    private final OwnLookups lookups;
    private final QueueScript scripts;

    EventsTail(String source, int maxEventsPerPoll, int maxTrackedJobs, boolean labelJobNames, int maxJobNames,
               JobSpans jobSpans, OwnLookups lookups, QueueScript scripts) {
        this.jobSpans = jobSpans;
        this.lookups = lookups;
        this.scripts = scripts;
        this.source = source;
        this.maxEventsPerPoll = maxEventsPerPoll;
        this.maxTrackedJobs = maxTrackedJobs;
        this.labelJobNames = labelJobNames;
        this.maxJobNames = maxJobNames;
    }

    /**
     * Queues the first round trip's reads: XINFO STREAM where it is needed ({@link QueueCursor#needsInfo}; the
     * queues in {@code fullRead} are on this poll's share of the full-read cycle),
     * then one XREAD of every listed queue's stream from its cursor (on a Cluster, one per hash slot, as
     * Redis refuses an XREAD across slots). Queues seen at the first read start at their stream's end
     * (history before Vigil started is not counted); queues that appear later start at the beginning of
     * their stream, since it was created while Vigil watched.
     */
    Reads request(Batch batch, List<QueueRef> queues, Set<QueueRef> fullRead, boolean cluster) {
        QueueCursor[] listed = new QueueCursor[queues.size()];
        List<QueueRef> needInfo = new ArrayList<>();
        List<byte[]> needInfoKeys = new ArrayList<>();
        boolean anyNew = false;
        for (int i = 0; i < listed.length; i++) {
            QueueRef q = queues.get(i);
            QueueCursor c = cursors.get(q);
            if (c == null) {
                QueueCursor resumed = dropped.remove(q);
                c = resumed != null ? resumed : new QueueCursor(firstRead, maxTrackedJobs, labelJobNames, maxJobNames);
                cursors.put(q, c);
            }
            if (c.needsInfo(fullRead.contains(q))) {
                needInfo.add(q);
                needInfoKeys.add(encodedKey(q, c));
                anyNew |= c.endUnknown();
            }
            listed[i] = c;
        }
        // Before the XREAD, in the same write: as XINFO commands, or as stream-ends.lua for many (a first poll).
        Map<QueueRef, Batch.Reply<List<Object>>> infos = new HashMap<>();
        List<Batch.Reply<List<Object>>> ends = List.of();
        if (scripts.suits(needInfo.size(), anyNew, cluster)) {
            ends = QueueScript.calls(needInfoKeys, part -> QueueScript.streamEnds(batch, part)); // in needInfo's order
        } else {
            for (QueueRef q : needInfo) {
                infos.put(q, batch.xinfoStream(q.key("events")));
            }
        }
        firstRead = false;
        if (cursors.size() > queues.size()) {
            Set<QueueRef> current = Set.copyOf(queues);
            for (var it = cursors.entrySet().iterator(); it.hasNext(); ) {
                var e = it.next();
                if (!current.contains(e.getKey())) {
                    dropped.put(e.getKey(), e.getValue());
                    it.remove();
                }
            }
        }
        // Keys and ids as each cursor keeps them encoded: most polls move few streams, so few are encoded again.
        List<Batch.Reply<List<StreamMessage<String, String>>>> xreads = new ArrayList<>();
        List<QueueRef> read = new ArrayList<>(queues.size());
        List<byte[]> keys = new ArrayList<>(queues.size());
        List<byte[]> ids = new ArrayList<>(queues.size());
        for (int i = 0; i < listed.length; i++) {
            QueueRef q = queues.get(i);
            QueueCursor c = listed[i];
            byte[] from = c.readFromEncoded();
            if (from != null) {
                read.add(q);
                keys.add(encodedKey(q, c));
                ids.add(from);
            }
        }
        if (!cluster) {
            if (!keys.isEmpty()) {
                xreads.add(batch.xread(maxEventsPerPoll, keys, ids, read.get(0).key("events")));
            }
        } else {
            Map<Integer, List<Integer>> slots = new HashMap<>();
            for (int i = 0; i < read.size(); i++) {
                slots.computeIfAbsent(SlotHash.getSlot(read.get(i).key("events")), k -> new ArrayList<>()).add(i);
            }
            for (List<Integer> slot : slots.values()) {
                xreads.add(batch.xread(maxEventsPerPoll, slot.stream().map(keys::get).toList(), slot.stream().map(ids::get).toList(),
                        read.get(slot.get(0)).key("events")));
            }
        }
        return new Reads(queues, listed, infos, needInfo, ends, xreads);
    }

    private static String streamKey(QueueRef q, QueueCursor c) {
        if (c.key == null) {
            c.key = q.key("events");
        }
        return c.key;
    }

    private static byte[] encodedKey(QueueRef q, QueueCursor c) {
        if (c.encodedKey == null) {
            c.encodedKey = Batch.bulk(streamKey(q, c));
        }
        return c.encodedKey;
    }

    /**
     * The first round trip's events reads, in flight: the XINFOs asked before the XREADs, or the stream-ends.lua
     * calls that read the ends of {@code endsOf} in their order, 100 streams a call. {@code cursors} are the
     * queues' cursors in list order, so that nothing after the request looks a queue's cursor up again.
     */
    record Reads(List<QueueRef> queues, QueueCursor[] cursors, Map<QueueRef, Batch.Reply<List<Object>>> infos, List<QueueRef> endsOf,
                 List<Batch.Reply<List<Object>>> ends, List<Batch.Reply<List<StreamMessage<String, String>>>> xreads) {
        /** {@link EventsTail#tails} of the queue at {@code index} in the list. */
        boolean tails(int index) {
            return cursors[index].tails();
        }
    }

    /** The stream ends read in the first round trip; a refused script call leaves its streams out (asked again next poll). */
    private Map<QueueRef, StreamInfo> streamInfos(Reads reads) {
        Map<QueueRef, StreamInfo> out = new HashMap<>();
        reads.infos().forEach((q, info) -> out.put(q, streamInfo(info)));
        scripts.settle(reads.ends(), reads.endsOf(), (q, reply) -> {
            StreamInfo info = QueueScript.streamEnd(reply);
            lookups.add(info.exists() ? 1 : 0, info.exists() ? 0 : 1); // as XINFO's: refused exactly when missing
            out.put(q, info);
        }, q -> { });
        return out;
    }

    /**
     * Takes in the settled first round trip, and queues on {@code next} the XINFO of each queue that moved (for
     * loss accounting) and the HMGET of each job that finished (for its latency).
     *
     * @return the queues whose streams had new events: their state may have changed
     */
    Set<QueueRef> apply(Reads reads, Batch next) {
        Map<String, List<StreamMessage<String, String>>> byStream = new HashMap<>();
        for (Batch.Reply<List<StreamMessage<String, String>>> x : reads.xreads()) {
            for (StreamMessage<String, String> m : x.value()) {
                byStream.computeIfAbsent(m.getStream(), k -> new ArrayList<>()).add(m);
            }
        }
        Map<QueueRef, Batch.Reply<List<Object>>> moved = new HashMap<>();
        Map<QueueRef, StreamInfo> infos = streamInfos(reads);
        completions = new ArrayList<>();
        QueueCursor[] listed = reads.cursors();
        for (int i = 0; i < listed.length; i++) {
            QueueRef q = reads.queues().get(i);
            QueueCursor c = listed[i];
            List<StreamMessage<String, String>> messages = byStream.isEmpty() ? List.of() : byStream.getOrDefault(streamKey(q, c), List.of());
            if (c.apply(q, messages, infos.isEmpty() ? null : infos.get(q), maxEventsPerPoll, completions, lookups, this::noEntriesAdded)) {
                moved.put(q, next.xinfoStream(q.key("events")));
            }
        }
        lateInfo = moved;
        for (Completion c : completions) {
            c.hash = next.hmget(c.queue.jobKey(c.jobId), JOB_FIELDS);
        }
        return moved.keySet();
    }

    private StreamInfo streamInfo(Batch.Reply<List<Object>> info) {
        lookups.countStreamInfo(info);
        return StreamInfo.of(info);
    }

    /** Takes in the settled second round trip: loss accounting of the queues that moved, latency of finished jobs. */
    void finish(SpanContext poll) {
        lateInfo.forEach((q, info) -> cursors.get(q).applyLateInfo(q, streamInfo(info), this::noEntriesAdded));
        for (Completion c : completions) {
            lookups.count(c.hash, OwnLookups.Reply.FIELDS);
            observe(c, poll);
        }
        completions = List.of();
        lateInfo = Map.of();
    }

    /** The totals of this queue, null when its events are not read. */
    FinishedJobs totals(QueueRef queue) {
        QueueCursor c = cursors.get(queue);
        return c == null ? null : c.totals;
    }

    private void noEntriesAdded() {
        if (!noEntriesAddedLogged) {
            noEntriesAddedLogged = true;
            LOG.warning("source " + source + ": this Redis (before 7.0) does not report a stream's entries-added,"
                    + " so events lost to stream trimming cannot be counted");
        }
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
            c.totals.waitTime().observeMillis(active - ready, traceId, spanId);
        }
        c.totals.processingTime().observeMillis(finished - active, traceId, spanId);
    }

    private static Map<String, String> hashFields(Batch.Reply<List<String>> reply) {
        Map<String, String> out = new HashMap<>();
        if (!reply.refused()) {
            List<String> values = reply.get();
            for (int i = 0; i < JOB_FIELDS.length; i++) {
                if (values.get(i) != null) {
                    out.put(JOB_FIELDS[i], values.get(i));
                }
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
}
