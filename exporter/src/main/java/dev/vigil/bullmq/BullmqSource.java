package dev.vigil.bullmq;

import dev.vigil.config.BullmqConfig;
import dev.vigil.poll.FamilyBuilder;
import dev.vigil.poll.PollResult;
import dev.vigil.poll.Source;
import dev.vigil.redis.Pipeline;
import dev.vigil.redis.RedisEndpoint;
import dev.vigil.redis.SourceConnection;
import dev.vigil.trace.Tracing;
import io.opentelemetry.context.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.logging.Logger;

/**
 * BullMQ queues under one prefix in one Redis. Keeps one connection of its own for the polls, which read
 * what changed since the last one (see QueueWatch), and another for discovery, which SCANs the keyspace every
 * {@code discovery_interval} in the background: on a Redis with millions of keys a SCAN pass can take
 * longer than a poll may, and the polls go on with the last list meanwhile.
 */
public final class BullmqSource implements Source {
    private static final Logger LOG = Logger.getLogger(BullmqSource.class.getName());

    private final BullmqConfig config;
    private final QueueDiscovery discovery;
    private final QueueWatch watch;
    private final Shard shard;
    private final SourceConnection connection;
    private final SourceConnection discoveryConnection;
    private final Vertx vertx;
    // Polls never overlap, but each runs across Lettuce and Vert.x threads: volatile keeps them visible.
    private volatile List<QueueRef> queues;
    private volatile long discoveredAtNanos;
    private volatile int discoveredCount;
    private volatile boolean truncationLogged;
    // The discovery in flight, if any: the first poll waits for it, later polls only start one when due.
    private volatile CompletableFuture<List<QueueRef>> discovering;

    public BullmqSource(BullmqConfig config, RedisEndpoint redis, Vertx vertx, Tracing tracing) {
        this.config = config;
        this.vertx = vertx;
        this.connection = new SourceConnection(redis, vertx);
        this.discoveryConnection = config.discovers() ? new SourceConnection(redis, vertx) : null;
        this.discovery = new QueueDiscovery(config.prefix());
        this.shard = new Shard(config.shard());
        BullmqConfig.EventsConfig e = config.events();
        QueueScript scripts = new QueueScript(config.name());
        EventsTail events = e.enabled()
                ? new EventsTail(config.name(), e.maxPerPoll(), e.maxTrackedJobs(), e.labelJobNames(), e.maxJobNames(),
                        new JobSpans(tracing, config.redis()), redis.ownLookups(), scripts)
                : null;
        this.watch = new QueueWatch(config, new QueueStateReader(config.name(), redis.ownLookups(), scripts), events);
        if (!config.discovers()) {
            queues = config.queues().stream().map(n -> new QueueRef(config.prefix(), n)).filter(shard::owns).sorted().toList();
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
        Context pollContext = Context.current(); // the engine's poll span, current only during this call
        io.vertx.core.Context engine = vertx.getOrCreateContext(); // the engine's context, where polls start
        return connection.poll(p -> read(p, pollContext, engine));
    }

    private CompletionStage<PollResult> read(Pipeline p, Context pollContext, io.vertx.core.Context buildOn) {
        return queues().thenCompose(q -> watch.poll(p, q, pollContext, buildOn)).thenApply(r -> {
            int found = discoveredCount;
            return r.withFamilies(families -> withDiscovery(families, found));
        });
    }

    /** How many queues discovery found and how many max_queues left out, so dropped queues are not hidden in one log line. */
    private List<MetricSnapshot> withDiscovery(List<MetricSnapshot> families, int found) {
        if (!config.discovers()) {
            return families;
        }
        List<MetricSnapshot> all = new ArrayList<>(families);
        all.add(FamilyBuilder.gauge("bullmq_queues_discovered", "Queues found under the source's prefix by the last discovery SCAN", "source", "redis")
                .add(found, name(), config.redis()).build());
        all.add(FamilyBuilder.gauge("bullmq_queues_dropped", "Queues found by the last discovery but not read, beyond max_queues", "source", "redis")
                .add(Math.max(0, found - config.maxQueues()), name(), config.redis()).build());
        return all;
    }

    @Override
    public Future<Void> close() {
        return discoveryConnection == null ? connection.close()
                : Future.join(connection.close(), discoveryConnection.close()).mapEmpty();
    }

    /** The queues to read: the last discovered list, or, before there is one, the first discovery's. */
    private CompletionStage<List<QueueRef>> queues() {
        List<QueueRef> known = queues;
        if (!config.discovers()) {
            return CompletableFuture.completedFuture(known);
        }
        if (known == null) {
            return discoverInBackground();
        }
        if (System.nanoTime() - discoveredAtNanos >= config.discoveryInterval().toNanos()) {
            discoverInBackground();
        }
        return CompletableFuture.completedFuture(known);
    }

    /** Starts a discovery unless one is running; either way returns the one in flight. */
    private synchronized CompletableFuture<List<QueueRef>> discoverInBackground() {
        CompletableFuture<List<QueueRef>> running = discovering;
        if (running != null) {
            return running;
        }
        CompletableFuture<List<QueueRef>> started = new CompletableFuture<>();
        discovering = started;
        // The SCAN's round trips are traced under the poll that started it, which it may outlive.
        discoveryConnection.poll(discovery::discover).onComplete(ar -> {
            synchronized (this) {
                discovering = null;
            }
            if (ar.succeeded()) {
                started.complete(bounded(shard.select(ar.result())));
            } else {
                // The next poll starts another; a poll that waited for this one fails with its reason.
                started.completeExceptionally(ar.cause());
            }
        });
        return started;
    }

    /**
     * The new list with the queues already known as the same objects as before, and the old list itself when
     * nothing changed. The poll keeps state per queue in maps and caches that are fast on the same object and
     * on the same list. A discovery that handed over equal but new objects sent the compiled poll down paths
     * it had never taken, and at 1,000 queues the JIT threw away and recompiled the poll's code for a minute:
     * 40-100 ms of CPU a second instead of 6-8, after every discovery_interval (side by side, same machine).
     */
    static List<QueueRef> sameInstances(List<QueueRef> previous, List<QueueRef> found) {
        if (previous == null) {
            return found;
        }
        if (previous.equals(found)) {
            return previous;
        }
        Map<QueueRef, QueueRef> known = new HashMap<>();
        previous.forEach(q -> known.put(q, q));
        return found.stream().map(q -> known.getOrDefault(q, q)).toList();
    }

    private List<QueueRef> bounded(Set<QueueRef> found) {
        discoveredCount = found.size();
        List<QueueRef> list = List.copyOf(found);
        if (list.size() > config.maxQueues()) {
            if (!truncationLogged) {
                truncationLogged = true;
                LOG.warning("source " + name() + ": " + list.size() + " queues found, reporting the first "
                        + config.maxQueues() + " by name (raise max_queues to see more)");
            }
            list = list.subList(0, config.maxQueues());
        }
        queues = sameInstances(queues, list);
        discoveredAtNanos = System.nanoTime();
        return queues;
    }
}
