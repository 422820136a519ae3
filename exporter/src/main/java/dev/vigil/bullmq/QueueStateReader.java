package dev.vigil.bullmq;

import dev.vigil.redis.OwnLookups;
import dev.vigil.redis.Pipeline;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Reads the state of many queues in two pipelined round trips: first the counts, pause flags and the
 * ids of the jobs next in line, then those jobs' timestamps for the oldest-waiting age.
 */
final class QueueStateReader {
    private static final Logger LOG = Logger.getLogger(QueueStateReader.class.getName());
    /** BullMQ 5 could leave a marker ("0:<ts>") at the tail of wait/paused; getCounts does not count it. */
    private static final String MARKER = "0:";

    private final String prefix;
    private final OwnLookups lookups;
    private final Set<String> skippedLogged = ConcurrentHashMap.newKeySet();
    private boolean clientListRefusedLogged;

    QueueStateReader(String prefix, OwnLookups lookups) {
        this.prefix = prefix;
        this.lookups = lookups;
    }

    /**
     * @param keepMissing report a queue even when it has no keys at all (explicitly listed queues);
     *                    otherwise a queue whose keys are gone drops out at once, before the next discovery.
     */
    CompletionStage<List<QueueState>> read(Pipeline pipeline, List<QueueRef> queues, boolean keepMissing) {
        RedisClusterAsyncCommands<String, String> redis = pipeline.commands();
        List<CompletionStage<String>> clients = pipeline.clientLists();
        RedisFuture<List<String>> time = redis.time();
        List<QueueReads> reads = new ArrayList<>();
        List<CompletionStage<?>> all = new ArrayList<>(clients);
        all.add(time);
        for (QueueRef q : queues) {
            QueueReads r = new QueueReads(q, redis);
            reads.add(r);
            all.addAll(r.all());
        }
        return pipeline.send(all).thenCompose(v -> {
            reads.forEach(QueueReads::countLookups);
            long nowMs = redisTimeMillis(time);
            WorkerCount workers = workerCount(clients);
            List<Partial> partials = new ArrayList<>();
            for (QueueReads r : reads) {
                Partial p = r.toPartial(keepMissing, workers);
                if (p != null) {
                    partials.add(p);
                }
            }
            return readOldest(pipeline, partials, nowMs);
        });
    }

    private CompletionStage<List<QueueState>> readOldest(Pipeline pipeline, List<Partial> partials, long nowMs) {
        List<RedisFuture<?>> all = new ArrayList<>();
        for (Partial p : partials) {
            for (String id : p.candidates) {
                RedisFuture<List<KeyValue<String, String>>> f = pipeline.commands().hmget(p.queue.jobKey(id), "timestamp", "delay");
                p.jobTimes.add(f);
                all.add(f);
            }
        }
        return pipeline.send(all).thenApply(v -> {
            partials.forEach(p -> p.jobTimes.forEach(f -> lookups.count(f, OwnLookups.Reply.FIELDS)));
            return partials.stream().map(p -> p.finish(nowMs)).toList();
        });
    }

    private static long redisTimeMillis(RedisFuture<List<String>> time) {
        List<String> t = join(time);
        return Long.parseLong(t.get(0)) * 1000 + Long.parseLong(t.get(1)) / 1000;
    }

    /** CLIENT LIST is refused on some managed Redis services; then workers are unknown, not zero. */
    private WorkerCount workerCount(List<CompletionStage<String>> clients) {
        try {
            List<String> lists = new ArrayList<>();
            for (CompletionStage<String> c : clients) {
                lists.add(c.toCompletableFuture().join());
            }
            return WorkerCount.parse(lists, prefix);
        } catch (CompletionException e) {
            if (e.getCause() instanceof RedisCommandExecutionException refused) {
                if (!clientListRefusedLogged) {
                    clientListRefusedLogged = true;
                    LOG.warning("prefix " + prefix + ": CLIENT LIST refused (" + refused.getMessage()
                            + "); bullmq_queue_workers is not reported");
                }
                return null;
            }
            throw e;
        }
    }

    private static <T> T join(RedisFuture<T> f) {
        return f.toCompletableFuture().join();
    }

    /** The futures of one queue's first round trip. */
    private final class QueueReads {
        final QueueRef queue;
        final RedisFuture<Long> exists;
        final Map<JobState, RedisFuture<Long>> counts = new EnumMap<>(JobState.class);
        final RedisFuture<Map<String, String>> meta;
        final RedisFuture<Long> legacyPaused;
        final RedisFuture<List<String>> waitTail;
        final RedisFuture<List<String>> pausedTail;
        final RedisFuture<List<String>> prioritizedHead;

        QueueReads(QueueRef q, RedisClusterAsyncCommands<String, String> redis) {
            queue = q;
            exists = redis.exists(q.key("meta"), q.key("id"));
            for (JobState s : JobState.values()) {
                counts.put(s, s.list ? redis.llen(q.key(s.keySuffix)) : redis.zcard(q.key(s.keySuffix)));
            }
            // The whole (small) meta hash rather than HGET of one field: only an empty reply tells exactly
            // that the hash is missing, which vigil_redis_own_lookups_total needs.
            meta = redis.hgetall(q.key("meta"));
            legacyPaused = redis.exists(q.key("meta-paused")); // Bull 3 marks a paused queue with this key
            waitTail = redis.lrange(q.key("wait"), -2, -1);
            pausedTail = redis.lrange(q.key("paused"), -2, -1);
            // The next prioritized job to run: the oldest of the highest priority (score = priority << 32 | counter).
            prioritizedHead = redis.zrange(q.key("prioritized"), 0, 0);
        }

        List<RedisFuture<?>> all() {
            List<RedisFuture<?>> out = new ArrayList<>(counts.values());
            out.addAll(List.of(exists, meta, legacyPaused, waitTail, pausedTail, prioritizedHead));
            return out;
        }

        /** Each read above looks up its keys once; see OwnLookups for how a reply tells hit from miss. */
        void countLookups() {
            lookups.countExists(exists, 2);
            counts.values().forEach(f -> lookups.count(f, OwnLookups.Reply.LENGTH));
            lookups.count(meta, OwnLookups.Reply.ELEMENTS);
            lookups.countExists(legacyPaused, 1);
            for (RedisFuture<List<String>> range : List.of(waitTail, pausedTail, prioritizedHead)) {
                lookups.count(range, OwnLookups.Reply.ELEMENTS);
            }
        }

        Partial toPartial(boolean keepMissing, WorkerCount workers) {
            try {
                if (join(exists) == 0 && !keepMissing) {
                    return null;
                }
                Map<JobState, Long> n = new EnumMap<>(JobState.class);
                counts.forEach((state, f) -> n.put(state, join(f)));
                List<String> candidates = new ArrayList<>();
                n.put(JobState.WAITING, withoutMarker(n.get(JobState.WAITING), join(waitTail), candidates));
                n.put(JobState.PAUSED, withoutMarker(n.get(JobState.PAUSED), join(pausedTail), candidates));
                candidates.addAll(join(prioritizedHead));
                boolean paused = join(meta).containsKey("paused") || join(legacyPaused) > 0;
                OptionalInt w = workers == null ? OptionalInt.empty() : OptionalInt.of(workers.workers(queue));
                return new Partial(queue, n, paused, w, candidates);
            } catch (CompletionException e) {
                if (e.getCause() instanceof RedisCommandExecutionException wrongType) {
                    // e.g. WRONGTYPE: a key under the prefix that is not BullMQ's. Skip the queue, keep the rest.
                    if (skippedLogged.add(queue.name())) {
                        LOG.warning("prefix " + prefix + ": skipping queue '" + queue.name() + "': " + wrongType.getMessage());
                    }
                    return null;
                }
                throw e;
            }
        }

        /** Applies getCounts' marker rule and picks the job id next in line, if any. */
        private long withoutMarker(long count, List<String> tail, List<String> candidates) {
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
    }

    /** A queue after the first round trip, waiting for its candidates' timestamps. */
    private static final class Partial {
        final QueueRef queue;
        final Map<JobState, Long> counts;
        final boolean paused;
        final OptionalInt workers;
        final List<String> candidates;
        final List<RedisFuture<List<KeyValue<String, String>>>> jobTimes = new ArrayList<>();

        Partial(QueueRef queue, Map<JobState, Long> counts, boolean paused, OptionalInt workers, List<String> candidates) {
            this.queue = queue;
            this.counts = counts;
            this.paused = paused;
            this.workers = workers;
            this.candidates = candidates;
        }

        /**
         * A job is ready to run at its creation time plus its delay; the age is measured on Redis' clock
         * against that. A job hash that vanished meanwhile (taken by a worker) simply does not count.
         */
        QueueState finish(long nowMs) {
            double oldest = 0;
            for (RedisFuture<List<KeyValue<String, String>>> f : jobTimes) {
                List<KeyValue<String, String>> fields = jobFields(f);
                Long timestamp = number(fields.get(0));
                if (timestamp == null) {
                    continue;
                }
                Long delay = number(fields.get(1));
                long readyAt = timestamp + (delay == null ? 0 : delay);
                oldest = Math.max(oldest, (nowMs - readyAt) / 1000.0);
            }
            return new QueueState(queue, counts, paused, oldest, workers);
        }

        /** A key that is not a job hash (WRONGTYPE) reads as a job without timestamps. */
        private static List<KeyValue<String, String>> jobFields(RedisFuture<List<KeyValue<String, String>>> f) {
            try {
                return join(f);
            } catch (CompletionException e) {
                if (e.getCause() instanceof RedisCommandExecutionException) {
                    return List.of(KeyValue.empty("timestamp"), KeyValue.empty("delay"));
                }
                throw e;
            }
        }

        private static Long number(KeyValue<String, String> kv) {
            if (!kv.hasValue()) {
                return null;
            }
            try {
                return Long.parseLong(kv.getValue());
            } catch (NumberFormatException e) {
                return null;
            }
        }
    }
}
