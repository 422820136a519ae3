package dev.vigil.bullmq;

import dev.vigil.config.BullmqConfig;
import dev.vigil.poll.PollResult;
import dev.vigil.poll.Source;
import dev.vigil.redis.Pipeline;
import dev.vigil.redis.RedisEndpoint;
import dev.vigil.redis.RedisErrors;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
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
    private final RedisEndpoint redis;
    private final Vertx vertx;
    private final QueueDiscovery discovery;
    private final QueueStateReader reader;
    // Polls never overlap, but each runs across Lettuce and Vert.x threads: volatile keeps them visible.
    private volatile Pipeline pipeline;
    private volatile List<QueueRef> queues;
    private volatile long discoveredAtNanos;
    private volatile boolean truncationLogged;

    public BullmqSource(BullmqConfig config, RedisEndpoint redis, Vertx vertx) {
        this.config = config;
        this.redis = redis;
        this.vertx = vertx;
        this.discovery = new QueueDiscovery(config.prefix());
        this.reader = new QueueStateReader(config.prefix(), redis.ownLookups());
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
        CompletionStage<PollResult> result = connection()
                .thenCompose(p -> queues(p).thenCompose(q -> reader.read(p, q, !config.discovers())))
                .thenApply(states -> new PollResult(QueueMetrics.of(states), states.size() + " queues"));
        return Future.fromCompletionStage(result, vertx.getOrCreateContext())
                .recover(e -> Future.failedFuture(RedisErrors.classify(redis.name(), e)));
    }

    @Override
    public Future<Void> close() {
        Pipeline p = pipeline;
        pipeline = null;
        return p == null ? Future.succeededFuture() : Future.fromCompletionStage(p.close()).recover(e -> Future.succeededFuture());
    }

    /** Opens the source's own connection lazily; Lettuce reconnects it by itself after that. */
    private CompletionStage<Pipeline> connection() {
        if (pipeline != null) {
            return CompletableFuture.completedFuture(pipeline);
        }
        return redis.connect().thenApply(c -> {
            pipeline = new Pipeline(c);
            return pipeline;
        });
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
