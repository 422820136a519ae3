package dev.vigil.bullmq;

import dev.vigil.config.BullmqConfig;
import dev.vigil.poll.PollResult;
import dev.vigil.redis.Batch;
import dev.vigil.redis.Pipeline;
import io.lettuce.core.RedisCommandExecutionException;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.logging.Logger;

/**
 * Polls a prefix's queues reading only what changed. The first round trip asks Redis' time, CLIENT LIST and
 * one XREAD over every queue's events stream, plus the state of the queues that must be read anyway; the
 * streams that had events name the queues whose state is read again in the second, with the hashes of the
 * jobs that finished; a third reads the timestamps of jobs that became next in line. A poll where nothing
 * moved is one round trip of three commands however many queues there are.
 *
 * <p>Every {@code full_read_interval} all queues are read anyway, since some changes write no event: a DEL
 * or an obliterate, a manual edit, events trimmed away by the queue's own settings. Queues whose changes
 * cannot show in a stream (events off, Bull 3, a stream not created yet) are read at every poll. See
 * docs/bullmq-polling.md.
 */
final class QueueWatch {
    private static final Logger LOG = Logger.getLogger(QueueWatch.class.getName());

    private final BullmqConfig config;
    private final QueueStateReader reader;
    private final EventsTail events;
    private final QueueLabels labels;
    private long fullReadAtNanos;
    private boolean everRead;
    private boolean clientListRefusedLogged;
    // Queues whose events were read by a poll that failed before reading their state: read at the next poll.
    private final Set<QueueRef> unsettled = new HashSet<>();

    QueueWatch(BullmqConfig config, QueueStateReader reader, EventsTail events) {
        this.config = config;
        this.reader = reader;
        this.events = events;
        this.labels = new QueueLabels(config.redis());
    }

    CompletionStage<PollResult> poll(Pipeline p, List<QueueRef> queues, Context pollContext) {
        boolean full = !everRead || System.nanoTime() - fullReadAtNanos >= config.fullReadInterval().toNanos();
        if (full) {
            everRead = true;
            fullReadAtNanos = System.nanoTime();
        }
        boolean keepMissing = !config.discovers();
        Batch first = new Batch();
        List<CompletionStage<String>> clients = p.clientLists();
        Batch.Reply<List<String>> time = first.time();
        EventsTail.Reads tail = events == null ? null : events.request(first, queues, full, p.isCluster());
        // After the XREAD in the same write: whatever it did not see yet, these reads do not miss.
        Set<QueueRef> anyway = new HashSet<>();
        for (QueueRef q : queues) {
            if (full || reader.unknown(q) || events == null || !events.tails(q) || unsettled.contains(q)) {
                anyway.add(q);
            }
        }
        List<KnownQueue> firstReads = reader.request(first, List.copyOf(anyway));
        CompletableFuture<Void> firstTrip = p.send(first).thenCombine(Pipeline.settled(clients), (a, b) -> null);
        return firstTrip.thenCompose(v -> {
            Batch second = new Batch();
            reader.apply(firstReads, keepMissing, full, second);
            List<KnownQueue> movedReads = List.of();
            if (tail != null) {
                List<QueueRef> moved = events.apply(tail, second).stream().filter(q -> !anyway.contains(q)).toList();
                unsettled.addAll(moved);
                movedReads = reader.request(second, moved);
            }
            List<KnownQueue> moved = movedReads;
            return p.send(second).thenCompose(w -> {
                reader.applyJobTimes(firstReads);
                if (events != null) {
                    events.finish(Span.fromContext(pollContext).getSpanContext());
                }
                Batch third = new Batch();
                reader.apply(moved, keepMissing, false, third);
                return p.send(third).thenApply(x -> {
                    reader.applyJobTimes(moved);
                    unsettled.clear();
                    return result(queues, redisTimeMillis(time), workerCount(clients));
                });
            });
        });
    }

    private PollResult result(List<QueueRef> queues, long nowMs, WorkerCount workers) {
        List<QueueState> states = reader.states(queues, nowMs, workers);
        labels.keepOnly(queues);
        Map<QueueRef, FinishedJobs> finished = events == null ? Map.of() : events.totals(states);
        return new PollResult(QueueMetrics.of(states, finished, config.events().labelJobNames(), labels), states.size() + " queues", states.size());
    }

    private static long redisTimeMillis(Batch.Reply<List<String>> time) {
        List<String> t = time.value();
        return Long.parseLong(t.get(0)) * 1000 + Long.parseLong(t.get(1)) / 1000;
    }

    /** CLIENT LIST is refused on some managed Redis services; then workers are unknown, not zero. */
    private WorkerCount workerCount(List<CompletionStage<String>> clients) {
        try {
            List<String> lists = new ArrayList<>();
            for (CompletionStage<String> c : clients) {
                lists.add(c.toCompletableFuture().join());
            }
            return WorkerCount.parse(lists, config.prefix());
        } catch (CompletionException e) {
            if (e.getCause() instanceof RedisCommandExecutionException refused) {
                if (!clientListRefusedLogged) {
                    clientListRefusedLogged = true;
                    LOG.warning("prefix " + config.prefix() + ": CLIENT LIST refused (" + refused.getMessage()
                            + "); bullmq_queue_workers is not reported");
                }
                return null;
            }
            throw e;
        }
    }
}
