package dev.vigil.bullmq;

import dev.vigil.config.BullmqConfig;
import dev.vigil.poll.PollResult;
import dev.vigil.poll.Source;
import dev.vigil.redis.Pipeline;
import dev.vigil.redis.RedisEndpoint;
import dev.vigil.redis.SourceConnection;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.logging.Logger;

/**
 * BullMQ queues under one prefix in one Redis. Keeps one connection of its own, re-discovers the queues
 * every {@code discovery_interval}, and reads all queues in two pipelined round trips per poll.
 */
public final class BullmqSource implements Source {
    private static final Logger LOG = Logger.getLogger(BullmqSource.class.getName());

    private final BullmqConfig config;
    private final SourceConnection connection;
    private final QueueDiscovery discovery;
    private final QueueStateReader reader;
    private final EventsTail events;
    // Polls never overlap, but each runs across Lettuce and Vert.x threads: volatile keeps them visible.
    private volatile List<QueueRef> queues;
    private volatile long discoveredAtNanos;
    private volatile boolean truncationLogged;

    public BullmqSource(BullmqConfig config, RedisEndpoint redis, Vertx vertx) {
        this.config = config;
        this.connection = new SourceConnection(redis, vertx);
        this.discovery = new QueueDiscovery(config.prefix());
        this.reader = new QueueStateReader(config.prefix());
        BullmqConfig.EventsConfig e = config.events();
        this.events = e.enabled()
                ? new EventsTail(config.prefix(), e.maxPerPoll(), e.maxTrackedJobs(), e.labelJobNames(), e.maxJobNames())
                : null;
        if (!config.discovers()) {
            queues = config.queues().stream().map(n -> new QueueRef(config.prefix(), n)).sorted().toList();
        }
    }

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public String kind() {
        return "bullmq";
    }

    @Override
    public Duration interval() {
        return config.interval();
    }

    @Override
    public Duration timeout() {
        return config.timeout();
    }

    @Override
    public Future<PollResult> poll() {
        return connection.poll(p -> queues(p).thenCompose(q ->
                reader.read(p, q, !config.discovers()).thenCompose(states -> {
                    // Only queues that still exist are tailed, so a vanished queue's counters drop out too.
                    List<QueueRef> present = states.stream().map(QueueState::queue).toList();
                    CompletionStage<Map<QueueRef, FinishedJobs>> finished = events == null
                            ? CompletableFuture.completedFuture(Map.of())
                            : events.read(p, present);
                    return finished.thenApply(f -> new PollResult(
                            QueueMetrics.of(states, f, config.events().labelJobNames()), states.size() + " queues"));
                })));
    }

    @Override
    public Future<Void> close() {
        return connection.close();
    }

    private CompletionStage<List<QueueRef>> queues(Pipeline p) {
        boolean stale = queues == null || System.nanoTime() - discoveredAtNanos >= config.discoveryInterval().toNanos();
        if (!config.discovers() || !stale) {
            return CompletableFuture.completedFuture(queues);
        }
        return discovery.discover(p).thenApply(this::bounded);
    }

    private List<QueueRef> bounded(Set<QueueRef> found) {
        List<QueueRef> list = List.copyOf(found);
        if (list.size() > config.maxQueues()) {
            if (!truncationLogged) {
                truncationLogged = true;
                LOG.warning("source " + name() + ": " + list.size() + " queues found, reporting the first "
                        + config.maxQueues() + " by name (raise max_queues to see more)");
            }
            list = list.subList(0, config.maxQueues());
        }
        queues = list;
        discoveredAtNanos = System.nanoTime();
        return queues;
    }
}
