package dev.vigil.bullmq;

import dev.vigil.redis.Batch;
import dev.vigil.redis.OwnLookups;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * The state of many queues (counts, pause flag, the jobs next in line), read only for the queues the caller
 * asks for and remembered for the rest. A read is two steps, each a batch the caller sends in one round
 * trip with others: the counts, pause flag and ids of the jobs next in line, then the timestamps of those
 * jobs that were not next in line at the last read.
 */
final class QueueStateReader {
    private static final Logger LOG = Logger.getLogger(QueueStateReader.class.getName());

    /** The source, as its log lines name it (kind, redis and prefix: two sources may share a prefix). */
    private final String source;
    private final OwnLookups lookups;
    private final Map<QueueRef, KnownQueue> known = new HashMap<>();
    private final Set<String> skippedLogged = ConcurrentHashMap.newKeySet();
    private List<QueueRef> listed = List.of();

    QueueStateReader(String source, OwnLookups lookups) {
        this.source = source;
        this.lookups = lookups;
    }

    /** True until the queue's state was read once. */
    boolean unknown(QueueRef queue) {
        return !known.containsKey(queue);
    }

    /** Queues the first step of reading these queues' state on {@code batch}. */
    List<KnownQueue> request(Batch batch, List<QueueRef> queues) {
        List<KnownQueue> reads = new ArrayList<>(queues.size());
        for (QueueRef q : queues) {
            KnownQueue k = known.computeIfAbsent(q, KnownQueue::new);
            k.request(batch);
            reads.add(k);
        }
        return reads;
    }

    /**
     * Takes in the settled first step and queues the second (the HMGETs of new jobs next in line) on
     * {@code jobTimes}; returns the reads that wait for it.
     *
     * @param keepMissing report a queue even when it has no keys at all (explicitly listed queues);
     *                    otherwise a queue whose keys are gone drops out at once, before the next discovery
     * @param rereadTimes the queues whose jobs next in line get their timestamps read again, even those read
     *                    before (a job can be replaced under the same id)
     */
    void apply(List<KnownQueue> reads, boolean keepMissing, Set<QueueRef> rereadTimes, Batch jobTimes) {
        for (KnownQueue k : reads) {
            k.countLookups(lookups);
            String refusal = k.refusal();
            if (refusal == null) {
                k.apply(keepMissing, rereadTimes.contains(k.queue), jobTimes);
                continue;
            }
            // e.g. WRONGTYPE: a key under the prefix that is not BullMQ's. Skip the queue, keep the rest.
            if (skippedLogged.add(k.queue.name())) {
                LOG.warning("source " + source + ": skipping queue '" + k.queue.name() + "': " + refusal);
            }
            known.remove(k.queue);
        }
    }

    /** Takes in the settled second step. */
    void applyJobTimes(List<KnownQueue> reads) {
        reads.forEach(k -> k.applyJobTimes(lookups));
    }

    /**
     * The last known state of each listed queue that is present, with ages at Redis' time {@code nowMs}.
     *
     * @param workers null when CLIENT LIST was refused
     */
    List<QueueState> states(List<QueueRef> queues, long nowMs, WorkerCount workers) {
        if (queues != listed) {
            listed = queues;
            known.keySet().retainAll(Set.copyOf(queues));
        }
        List<QueueState> out = new ArrayList<>(queues.size());
        for (QueueRef q : queues) {
            KnownQueue k = known.get(q);
            if (k == null || !k.present) {
                continue;
            }
            OptionalInt w = workers == null ? OptionalInt.empty() : OptionalInt.of(workers.workers(q));
            out.add(new QueueState(q, k.counts(), k.paused, k.oldestWaitingAgeSeconds(nowMs), w));
        }
        return out;
    }
}
