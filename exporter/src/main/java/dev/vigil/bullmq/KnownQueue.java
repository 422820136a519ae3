package dev.vigil.bullmq;

import dev.vigil.redis.Batch;
import dev.vigil.redis.OwnLookups;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The last state read of one queue, kept between polls so that a queue whose events stream shows no change
 * is not read again: its counts and pause flag stand, and its oldest-waiting age keeps growing from the
 * cached ready-at times of the jobs next in line.
 */
final class KnownQueue {
    /** BullMQ 5 could leave a marker ("0:<ts>") at the tail of wait/paused; getCounts does not count it. */
    private static final String MARKER = "0:";
    /** A job next in line whose hash had no timestamp (gone, or not a job): it adds no age. */
    static final long NO_TIME = Long.MIN_VALUE;
    private static final JobState[] STATES = JobState.values();
    // The keys a read names, as a base kept per queue and these suffixes (Batch's methods taking both).
    private static final byte[][] STATE_KEYS = new byte[STATES.length][];
    private static final byte[] META = Batch.utf8("meta");
    private static final byte[] ID = Batch.utf8("id");
    private static final byte[] META_PAUSED = Batch.utf8("meta-paused");
    private static final byte[] WAIT = Batch.utf8(JobState.WAITING.keySuffix);
    private static final byte[] PAUSED = Batch.utf8(JobState.PAUSED.keySuffix);
    private static final byte[] PRIORITIZED = Batch.utf8(JobState.PRIORITIZED.keySuffix);
    private static final byte[] LAST_TWO = Batch.bulks(-2, -1);
    private static final byte[] FIRST = Batch.bulks(0, 0);

    static {
        for (JobState s : STATES) {
            STATE_KEYS[s.ordinal()] = Batch.utf8(s.keySuffix);
        }
    }

    final QueueRef queue;
    /** The counts by state ordinal as {@link QueueState} carries them: a new array only when a count changed. */
    private long[] counts;
    /** The states that have held a job at some read, as QueueState#everHeld. */
    int everHeld;
    boolean paused;
    boolean present;
    /** The meta hash existed at the last read: BullMQ, whose pause flag is in it, so no Bull 3 keys to look up. */
    private boolean hasMeta;
    private List<String> nextInLine = List.of();
    private long[] readyAtMs = new long[0];

    /** {@code <prefix>:<name>:}, the start of every key a read names. */
    private byte[] keyBase;
    /** The queue as an argument of read-queues.lua ({@link #scriptArgument}), with and without a meta hash. */
    private byte[] withMeta;
    private byte[] withoutMeta;
    /** The read in flight, when QueueScript read it; else the command replies below. */
    private Read scripted;
    // The replies of the read in flight, if any.
    private final List<Batch.Reply<Long>> countReplies = new ArrayList<>(STATES.length);
    private Batch.Reply<Map<String, String>> meta;
    private Batch.Reply<Long> id;
    private Batch.Reply<Long> legacyPaused;
    private Batch.Reply<List<String>> waitTail;
    private Batch.Reply<List<String>> pausedTail;
    private Batch.Reply<List<String>> prioritizedHead;
    private final List<Batch.Reply<List<String>>> jobTimes = new ArrayList<>();
    // A full read's HMGETs of the jobs in nextInLine, in its order, sent with the read itself (see request); empty
    // when the read sent none.
    private final List<Batch.Reply<List<String>>> aheadTimes = new ArrayList<>();

    KnownQueue(QueueRef queue) {
        this.queue = queue;
    }

    /**
     * One read of a queue's state, from commands or from read-queues.lua: the counts before getCounts' marker
     * rule, the pause flags, the ids at the heads of the lines, and (from the script only) the ready-at time of
     * each job next in line; {@code found} and {@code missing} are the script's keyspace lookups.
     */
    record Read(long[] counts, boolean hasMeta, boolean metaPaused, boolean idExists, boolean legacyPaused,
                List<String> waitTail, List<String> pausedTail, List<String> prioritizedHead, long[] readyAt,
                String refusal, int found, int missing) {
    }

    /**
     * The queue as an argument of read-queues.lua: its name after '1' when Bull 3's keys are to be looked up, as
     * {@link #request} decides for its commands (no meta hash at the last read), else '0'. Encoded once each.
     */
    byte[] scriptArgument() {
        if (hasMeta) {
            if (withMeta == null) {
                withMeta = Batch.bulk("0" + queue.name());
            }
            return withMeta;
        }
        if (withoutMeta == null) {
            withoutMeta = Batch.bulk("1" + queue.name());
        }
        return withoutMeta;
    }

    /** Takes in this queue's part of a settled read-queues.lua, in place of {@link #request}'s replies. */
    void scripted(Read read) {
        scripted = read;
        aheadTimes.clear();
    }

    /**
     * Queues the reads of this queue's state: 12 commands for BullMQ, 14 for a queue without a meta hash. A full
     * read ({@code rereadTimes}) also reads again the times of the jobs that were next in line at the last read, in
     * the same round trip: they are the ones next in line again unless the line moved, and without them a settled
     * poll needed a second round trip for the HMGETs of its full-read share alone.
     */
    void request(Batch batch, boolean rereadTimes) {
        scripted = null;
        countReplies.clear();
        aheadTimes.clear();
        if (keyBase == null) {
            keyBase = Batch.utf8(queue.key(""));
        }
        for (JobState s : STATES) {
            byte[] key = STATE_KEYS[s.ordinal()];
            countReplies.add(s.list ? batch.llen(keyBase, key) : batch.zcard(keyBase, key));
        }
        // The whole (small) meta hash rather than HEXISTS of 'paused': only an empty reply tells exactly that
        // the hash is missing, which both the queue's presence and vigil_redis_own_lookups_total need.
        meta = batch.hgetall(keyBase, META);
        if (hasMeta) {
            id = null;
            legacyPaused = null;
        } else {
            id = batch.exists(keyBase, ID);
            legacyPaused = batch.exists(keyBase, META_PAUSED); // Bull 3 marks a paused queue with this key
        }
        waitTail = batch.lrange(keyBase, WAIT, LAST_TWO);
        pausedTail = batch.lrange(keyBase, PAUSED, LAST_TWO);
        // The next prioritized job to run: the oldest of the highest priority (score = priority << 32 | counter).
        prioritizedHead = batch.zrange(keyBase, PRIORITIZED, FIRST);
        if (rereadTimes) {
            for (String job : nextInLine) {
                aheadTimes.add(readTimes(batch, job));
            }
        }
    }

    /** Each read above looks up its keys once; see OwnLookups for how a reply tells hit from miss. */
    void countLookups(OwnLookups lookups) {
        if (scripted != null) {
            lookups.add(scripted.found(), scripted.missing());
            return;
        }
        countReplies.forEach(r -> lookups.count(r, OwnLookups.Reply.LENGTH));
        lookups.count(meta, OwnLookups.Reply.ELEMENTS);
        if (id != null) {
            lookups.countExists(id);
            lookups.countExists(legacyPaused);
        }
        lookups.count(waitTail, OwnLookups.Reply.ELEMENTS);
        lookups.count(pausedTail, OwnLookups.Reply.ELEMENTS);
        lookups.count(prioritizedHead, OwnLookups.Reply.ELEMENTS);
        aheadTimes.forEach(r -> lookups.count(r, OwnLookups.Reply.FIELDS));
    }

    /** The error Redis gave for one of this read's keys (e.g. WRONGTYPE: a key not BullMQ's), else null. */
    String refusal() {
        if (scripted != null) {
            return scripted.refusal();
        }
        for (Batch.Reply<?> r : countReplies) {
            if (r.refused()) {
                return r.getError();
            }
        }
        for (Batch.Reply<?> r : new Batch.Reply<?>[] {meta, id, legacyPaused, waitTail, pausedTail, prioritizedHead}) {
            if (r != null && r.refused()) {
                return r.getError();
            }
        }
        return null;
    }

    /**
     * Takes in the settled read and queues, on {@code jobTimesBatch}, the HMGET of each job next in line whose
     * ready-at time is not known yet (all of them when {@code rereadTimes}).
     *
     * @param keepMissing report the queue even when it has no keys at all (explicitly listed queues)
     */
    void apply(boolean keepMissing, boolean rereadTimes, Batch jobTimesBatch) {
        Read read = scripted != null ? scripted : fromReplies();
        scripted = null;
        long[] next = read.counts().clone();
        boolean anyJobs = false;
        for (long n : next) {
            anyJobs |= n > 0;
        }
        hasMeta = read.hasMeta();
        present = keepMissing || hasMeta || read.idExists() || anyJobs;
        List<String> candidates = new ArrayList<>(3);
        next[JobState.WAITING.ordinal()] = withoutMarker(next[JobState.WAITING.ordinal()], read.waitTail(), candidates);
        next[JobState.PAUSED.ordinal()] = withoutMarker(next[JobState.PAUSED.ordinal()], read.pausedTail(), candidates);
        candidates.addAll(read.prioritizedHead());
        paused = read.metaPaused() || read.legacyPaused();
        long[] times = new long[candidates.size()];
        jobTimes.clear();
        for (int i = 0; i < candidates.size(); i++) {
            if (read.readyAt() != null) {
                // The script read them with the rest: fresh, and in this same order (its nextInLine is withoutMarker).
                times[i] = i < read.readyAt().length ? read.readyAt()[i] : NO_TIME;
                jobTimes.add(null);
                continue;
            }
            int before = nextInLine.indexOf(candidates.get(i));
            if (before >= 0 && !aheadTimes.isEmpty()) {
                times[i] = readyAt(aheadTimes.get(before)); // read again in this read's own round trip
                jobTimes.add(null);
                continue;
            }
            times[i] = before < 0 || rereadTimes ? NO_TIME : readyAtMs[before];
            jobTimes.add(times[i] == NO_TIME ? readTimes(jobTimesBatch, candidates.get(i)) : null);
        }
        nextInLine = candidates;
        readyAtMs = times;
        aheadTimes.clear();
        clearReplies();
        if (counts == null || !Arrays.equals(counts, next)) {
            counts = next;
            for (int i = 0; i < next.length; i++) {
                everHeld |= next[i] != 0 ? 1 << i : 0;
            }
        }
    }

    /** The settled command replies as one read. */
    private Read fromReplies() {
        long[] read = new long[STATES.length];
        for (int i = 0; i < STATES.length; i++) {
            read[i] = countReplies.get(i).value();
        }
        Map<String, String> metaFields = meta.value();
        return new Read(read, !metaFields.isEmpty(), metaFields.containsKey("paused"), id != null && id.value() > 0,
                legacyPaused != null && legacyPaused.value() > 0, waitTail.value(), pausedTail.value(), prioritizedHead.value(),
                null, null, 0, 0);
    }

    /** The counts by state ordinal, never written; the same array from poll to poll while none changed. */
    long[] counts() {
        return counts == null ? new long[STATES.length] : counts;
    }

    /** Takes in the settled HMGETs of the jobs next in line. */
    void applyJobTimes(OwnLookups lookups) {
        for (int i = 0; i < jobTimes.size(); i++) {
            Batch.Reply<List<String>> r = jobTimes.get(i);
            if (r != null) {
                lookups.count(r, OwnLookups.Reply.FIELDS);
                readyAtMs[i] = readyAt(r);
            }
        }
        jobTimes.clear();
    }

    /**
     * Age on Redis' clock of the job next in line that has waited longest, from when it became ready to run
     * (created plus delay); 0 when none waits.
     */
    double oldestWaitingAgeSeconds(long nowMs) {
        double oldest = 0;
        for (long readyAt : readyAtMs) {
            if (readyAt != NO_TIME) {
                oldest = Math.max(oldest, (nowMs - readyAt) / 1000.0);
            }
        }
        return oldest;
    }

    private void clearReplies() {
        countReplies.clear();
        meta = null;
        id = null;
        legacyPaused = null;
        waitTail = null;
        pausedTail = null;
        prioritizedHead = null;
    }

    /** Applies getCounts' marker rule and picks the job id next in line, if any. */
    private static long withoutMarker(long count, List<String> tail, List<String> candidates) {
        if (tail.isEmpty()) {
            return count;
        }
        String last = tail.get(tail.size() - 1);
        if (last.startsWith(MARKER)) {
            if (tail.size() == 2) {
                candidates.add(tail.get(0));
            }
            return count > 1 ? count - 1 : 0;
        }
        candidates.add(last);
        return count;
    }

    /** Queues the HMGET of the fields {@link #readyAt} takes from a job's hash. */
    private Batch.Reply<List<String>> readTimes(Batch batch, String job) {
        return batch.hmget(queue.jobKey(job), "timestamp", "delay");
    }

    /** A job is ready to run at its creation time plus its delay; a key that is not a job hash has no time. */
    private static long readyAt(Batch.Reply<List<String>> fields) {
        return fields.refused() ? NO_TIME : readyAt(fields.get().get(0), fields.get().get(1));
    }

    static long readyAt(String timestampField, String delayField) {
        Long timestamp = EventsTail.number(timestampField);
        if (timestamp == null) {
            return NO_TIME;
        }
        Long delay = EventsTail.number(delayField);
        return timestamp + (delay == null ? 0 : delay);
    }
}
