package dev.vigil.bullmq;

import dev.vigil.config.BullmqConfig;
import dev.vigil.poll.PollResult;
import dev.vigil.redis.Batch;
import dev.vigil.redis.Pipeline;
import io.lettuce.core.RedisCommandExecutionException;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Polls a prefix's queues reading only what changed. The first round trip asks Redis' time, CLIENT LIST and
 * one XREAD over every queue's events stream, followed by the state reads of the queues read whatever the XREAD
 * says (their turn on the full-read cycle, below; new queues). The streams that had events name the queues
 * whose state is read next, after a second round trip with the hashes of the jobs that finished and the
 * timestamps of the first reads' jobs next in line. State reads go in chunks of {@link #READ_CHUNK} queues,
 * each followed by the timestamps of jobs that became next in line. A poll where nothing moved and no queue
 * was due is one round trip of three commands however many queues there are; with queues due, two.
 *
 * <p>Some changes write no event: a DEL or an obliterate, a manual edit, events trimmed away by the queue's
 * own settings. So each poll also reads its share of the queues in turn, enough that every queue is read
 * once per {@code full_read_interval}: spread over the polls rather than all at once, a full read neither
 * makes one poll in thirty slow nor needs the memory of every queue's replies at the same time. Queues whose
 * changes cannot show in a stream (events off, Bull 3, a stream not created yet) are read at every poll. See
 * docs/bullmq-polling.md.
 */
final class QueueWatch {
    private static final Logger LOG = Logger.getLogger(QueueWatch.class.getName());
    /**
     * Queues whose state replies are in flight at once (about 12 commands each): the first poll of 10,000
     * queues in one batch held some 100 MB of commands and replies, more than the documented heap.
     */
    static final int READ_CHUNK = 500;

    private final BullmqConfig config;
    private final QueueStateReader reader;
    private final EventsTail events;
    private final QueueLabels labels;
    private long polls;
    private long lastPollNanos;
    private boolean everRead;
    private int fullReadNext;
    private double fullReadOwed;
    private boolean clientListRefusedLogged;
    // Queues whose events were read by a poll that failed before reading their state: read at the next poll.
    private final Set<QueueRef> unsettled = new HashSet<>();

    QueueWatch(BullmqConfig config, QueueStateReader reader, EventsTail events) {
        this.config = config;
        this.reader = reader;
        this.events = events;
        this.labels = new QueueLabels(config.redis());
    }

    /**
     * @param pollContext the poll's trace context
     * @param buildOn the Vert.x context the poll's families are built on when first asked for
     */
    synchronized CompletionStage<PollResult> poll(Pipeline p, List<QueueRef> queues, Context pollContext, io.vertx.core.Context buildOn) {
        long poll = ++polls;
        Set<QueueRef> due = fullReadShare(queues);
        boolean keepMissing = !config.discovers();
        Batch first = new Batch();
        List<CompletionStage<String>> clients = p.clientLists();
        Batch.Reply<List<String>> time = first.time();
        EventsTail.Reads tail = events == null ? null : events.request(first, queues, due, p.isCluster());
        Set<QueueRef> toRead = new LinkedHashSet<>();
        for (int i = 0; i < queues.size(); i++) {
            QueueRef q = queues.get(i);
            if (tail == null || !tail.tails(i) || due.contains(q) || reader.unknown(q) || unsettled.contains(q)) {
                toRead.add(q);
            }
        }
        // The queues read whatever the XREAD says go in its round trip, after it: Redis runs a connection's commands
        // in order, so these reads see every change the XREAD saw, and what it missed shows as an event next time.
        // One round trip fewer per poll; the rest (queues that moved, chunks beyond the first) follow as before.
        QueueStateReader.Reads early = reader.request(first, toRead.stream().limit(READ_CHUNK).toList(), p.isCluster(), due);
        CompletableFuture<Void> firstTrip = p.send(first).thenCombine(Pipeline.settled(clients), (a, b) -> null);
        return firstTrip.thenCompose(v -> {
            synchronized (this) {
                stillCurrent(poll);
                Batch second = new Batch();
                if (tail != null) {
                    toRead.addAll(events.apply(tail, second));
                }
                // Read after the XREAD: whatever it did not see yet, these reads do not miss, and it shows as an event next time.
                unsettled.addAll(toRead);
                // The timestamps of the early reads' jobs next in line ride along with the events' own second reads.
                List<QueueRef> again = reader.apply(early, keepMissing, due, second);
                return p.send(second).thenApply(x -> again);
            }
        }).thenCompose(again -> {
            synchronized (this) {
                stillCurrent(poll);
                if (events != null) {
                    events.finish(Span.fromContext(pollContext).getSpanContext());
                }
                reader.applyJobTimes(early);
                // The early reads were toRead's first ones, and a LinkedHashSet keeps them first.
                return readStates(p, refusedFirst(again, toRead.stream().skip(early.size()).toList()), keepMissing, due, poll);
            }
        }).thenApply(v -> {
            synchronized (this) {
                stillCurrent(poll);
                unsettled.clear();
                return result(queues, redisTimeMillis(time), workerCount(clients), buildOn);
            }
        });
    }

    /**
     * A poll the engine gave up on (it ran past twice its timeout, as a first poll of 10,000 queues on a busy
     * machine can) stops at its next step instead of running on beside the next poll: the two would share
     * the cursors and replies in flight, and hold twice the memory. What it read so far is kept.
     */
    private void stillCurrent(long poll) {
        if (poll != polls) {
            throw new CancellationException("source " + config.name() + ": poll superseded by a newer one");
        }
    }

    /**
     * The queues due for their full read at this poll: all at the first, then a share in proportion to the time
     * since the last poll (fractions carried to the next poll), taken in list order from where the last share
     * ended. Every queue is read again within {@code full_read_interval} plus one poll, however long polls take.
     */
    private Set<QueueRef> fullReadShare(List<QueueRef> queues) {
        long now = System.nanoTime();
        int n = queues.size();
        double owed = !everRead ? n : fullReadOwed + (double) n * (now - lastPollNanos) / config.fullReadInterval().toNanos();
        int take = (int) Math.min(n, Math.floor(owed));
        fullReadOwed = take == n ? 0 : owed - take;
        everRead = true;
        lastPollNanos = now;
        Set<QueueRef> due = new HashSet<>();
        for (int i = 0; i < take; i++) {
            due.add(queues.get((fullReadNext + i) % n));
        }
        fullReadNext = n == 0 ? 0 : (fullReadNext + take) % n;
        return due;
    }

    /**
     * Reads the state of {@code queues}, one chunk after another. The queues of a chunk whose script Redis refused
     * go first in the next chunk, read with commands.
     */
    private CompletionStage<Void> readStates(Pipeline p, List<QueueRef> queues, boolean keepMissing, Set<QueueRef> due, long poll) {
        if (queues.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        Batch counts = new Batch();
        int chunk = Math.min(queues.size(), READ_CHUNK);
        QueueStateReader.Reads reads = reader.request(counts, queues.subList(0, chunk), p.isCluster(), due);
        return p.send(counts).thenCompose(v -> {
            synchronized (this) {
                stillCurrent(poll);
                Batch jobTimes = new Batch();
                List<QueueRef> again = reader.apply(reads, keepMissing, due, jobTimes);
                return p.send(jobTimes).thenApply(x -> again);
            }
        }).thenCompose(again -> {
            synchronized (this) {
                stillCurrent(poll);
                reader.applyJobTimes(reads);
                return readStates(p, refusedFirst(again, queues.subList(chunk, queues.size())), keepMissing, due, poll);
            }
        });
    }

    /** The queues still to read: those a refused script left unread first, to be read now with commands. */
    private static List<QueueRef> refusedFirst(List<QueueRef> refused, List<QueueRef> rest) {
        return refused.isEmpty() ? rest : Stream.concat(refused.stream(), rest.stream()).toList();
    }

    /**
     * The poll's states are fixed here (immutable); its families are built from them when a scrape first asks, on
     * {@code buildOn}. At a settled 1,000-queue poll, making the families was a third of the poll's CPU samples, and
     * with a poll a second and a scrape every 15 s or more most of them were never served. The build holds this
     * object's lock, as the polls' steps do, so it never runs in the middle of one; the finished-job totals it
     * reads may then be a later poll's (counters, never behind the gauges' poll by more than one).
     */
    private PollResult result(List<QueueRef> queues, long nowMs, WorkerCount workers, io.vertx.core.Context buildOn) {
        List<QueueState> states = reader.states(queues, nowMs, workers);
        return PollResult.later(buildOn, () -> families(queues, states), states.size() + " queues", states.size());
    }

    private synchronized List<MetricSnapshot> families(List<QueueRef> queues, List<QueueState> states) {
        labels.keepOnly(queues);
        Function<QueueRef, FinishedJobs> finished = events == null ? q -> null : events::totals;
        return QueueMetrics.of(states, finished, config.events().labelJobNames(), labels);
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
                    LOG.warning("source " + config.name() + ": CLIENT LIST refused (" + refused.getMessage()
                            + "); bullmq_queue_workers is not reported");
                }
                return null;
            }
            throw e;
        }
    }
}
