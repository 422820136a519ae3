package dev.vigil.redis;

import dev.vigil.trace.Tracing;
import io.lettuce.core.RedisFuture;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.context.Context;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.protocol.ConnectionIntent;
import io.lettuce.core.protocol.RedisCommand;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Sends a batch of commands in one write and waits for all replies: one round trip however many queues
 * there are (on a Cluster, one write per node, in parallel). Needs a connection of its own, since auto-flush is
 * switched off on it; that is why every source opens its own connection.
 */
public final class Pipeline {
    /** What a single server waits for before a batch goes: nothing. Never handed to a caller, who could change it. */
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
    private final StatefulConnection<String, String> connection;
    private final RedisClusterAsyncCommands<String, String> commands;
    private final Supplier<List<CompletionStage<String>>> clientLists;
    /** Completes when every master that owns slots has its data connection open, or failed to open, or in a timeout. */
    private final Supplier<CompletableFuture<Void>> nodesOpen;
    private final boolean cluster;
    /** The connection's channel unwraps a whole batch (WholeBatchWrites): a batch goes to it as one command. */
    private final boolean wholeBatches;
    private final Duration timeout;
    private Tracing tracing = Tracing.off();
    private Attributes spanAttributes = Attributes.empty();
    private volatile Context parent = Context.root();

    private Pipeline(StatefulConnection<String, String> connection, RedisClusterAsyncCommands<String, String> commands,
                     Supplier<List<CompletionStage<String>>> clientLists, Supplier<CompletableFuture<Void>> nodesOpen,
                     Duration timeout, boolean wholeBatches) {
        this.cluster = connection instanceof StatefulRedisClusterConnection;
        this.wholeBatches = wholeBatches;
        this.timeout = timeout;
        this.connection = connection;
        this.commands = commands;
        this.clientLists = clientLists;
        this.nodesOpen = nodesOpen;
        connection.setAutoFlushCommands(false);
    }

    /** Each round trip becomes a client span (database semantic conventions) under the poll's span. */
    Pipeline traced(Tracing tracing, String server, int port) {
        this.tracing = tracing;
        this.spanAttributes = Attributes.builder()
                .put("db.system.name", "redis")
                .put("db.operation.name", "PIPELINE")
                .put("server.address", server)
                .put("server.port", port)
                .build();
        return this;
    }

    /** The poll this pipeline now works for; its round trips become children of that span. */
    public void traceUnder(Context pollContext) {
        this.parent = pollContext;
    }

    /**
     * @param timeout how long a batch waits for its replies (the Redis source's command_timeout)
     * @param wholeBatches the connection was made with WholeBatchWrites installed
     */
    static Pipeline standalone(StatefulRedisConnection<String, String> c, Duration timeout, boolean wholeBatches) {
        // Queued, not flushed: the batch sent next carries it in the same write (a system call fewer per poll).
        return new Pipeline(c, c.async(), () -> List.of(c.async().clientList()), () -> DONE, timeout, wholeBatches);
    }

    /** Commands are routed to the node owning each key's slot; CLIENT LIST is asked of every master. */
    static Pipeline cluster(StatefulRedisClusterConnection<String, String> c, Duration timeout) {
        return new Pipeline(c, c.async(), () -> {
            List<CompletionStage<String>> lists = new ArrayList<>();
            for (RedisClusterNode node : c.getPartitions()) {
                if (node.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
                    lists.add(c.getConnectionAsync(node.getNodeId()).thenCompose(nodeConnection -> {
                        RedisFuture<String> list = nodeConnection.async().clientList();
                        nodeConnection.flushCommands();
                        return list;
                    }));
                }
            }
            return lists;
        }, () -> {
            // The masters that own slots, keyed as Lettuce keys the connection a slot's commands go to (host and port).
            // A failed master that lingers in the slot map owns none, and one without an address cannot be reached:
            // neither is waited for. The wait is bounded by the command timeout; a connection still opening then
            // fails its commands at once (REJECT_COMMANDS, RedisEndpoint) instead of holding them.
            List<CompletableFuture<?>> opening = new ArrayList<>();
            for (RedisClusterNode node : c.getPartitions()) {
                if (node.is(RedisClusterNode.NodeFlag.UPSTREAM) && !node.hasNoSlots() && !node.is(RedisClusterNode.NodeFlag.FAIL)
                        && !node.is(RedisClusterNode.NodeFlag.NOADDR) && node.getUri() != null) {
                    try {
                        opening.add(c.getConnectionAsync(node.getUri().getHost(), node.getUri().getPort(), ConnectionIntent.WRITE));
                    } catch (RuntimeException e) {
                        opening.add(CompletableFuture.failedFuture(e)); // a node gone in a refresh, a closed client
                    }
                }
            }
            return settled(opening).completeOnTimeout(null, timeout.toMillis(), TimeUnit.MILLISECONDS);
        }, timeout, false);
    }

    /** A Cluster: a command's keys must hash to one slot. */
    public boolean isCluster() {
        return cluster;
    }

    /** Queue commands here; nothing is sent until {@link #send}. */
    public RedisClusterAsyncCommands<String, String> commands() {
        return commands;
    }

    /**
     * Sends everything queued and completes when every reply has arrived, whether each command succeeded
     * or failed: callers look at the individual futures.
     */
    public CompletableFuture<Void> send(List<? extends CompletionStage<?>> replies) {
        return traced(replies.size(), () -> {
            connection.flushCommands();
            return settled(replies);
        });
    }

    /**
     * Sends a batch, and anything queued before it, in one write; completes when every reply has arrived, or
     * exceptionally when one never will (connection lost).
     */
    public CompletableFuture<Void> send(Batch batch) {
        if (batch.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return traced(batch.size(), () -> {
            // Done at once on a single server, and on a Cluster whose masters are connected: no future in between.
            CompletableFuture<Void> open = nodesOpen.get();
            return open.isDone() ? dispatch(batch) : open.thenCompose(v -> dispatch(batch));
        });
    }

    /**
     * On a Cluster, each command goes by itself, after every master's connection has opened: given a list, Lettuce's
     * Cluster writer waits inside the write for a node connection that is still opening, and a poll's later steps
     * are sent from the Lettuce I/O thread that decoded the step before. When the new connection's channel was on
     * that thread (a new master after a failover, between two steps of a poll) the wait never ended and the thread
     * hung, with every connection on it. One command at a time the writer never waits: a command for a node whose
     * connection is opening after all (the slot map changed since) fails at once and the poll reports it.
     */
    private CompletableFuture<Void> dispatch(Batch batch) {
        if (wholeBatches) {
            connection.dispatch(batch.whole());
        } else if (cluster) {
            for (RedisCommand<String, String, ?> command : batch.commands()) {
                connection.dispatch(command);
            }
        } else {
            connection.dispatch(batch.commands());
        }
        connection.flushCommands();
        batch.expireAfter(connection.getResources().timer(), timeout);
        return batch.settled();
    }

    private CompletableFuture<Void> traced(int size, Supplier<CompletableFuture<Void>> roundTrip) {
        if (!tracing.enabled()) {
            return roundTrip.get();
        }
        Attributes attributes = spanAttributes.toBuilder().put("db.operation.batch.size", (long) size).build();
        return tracing.child(parent, "PIPELINE", attributes, roundTrip::get).toCompletableFuture();
    }

    /**
     * CLIENT LIST of every server that holds queues (one, or every Cluster master). A Cluster's go out at once; a
     * single server's goes out with the next {@link #send(Batch)}, which must follow.
     */
    public List<CompletionStage<String>> clientLists() {
        return clientLists.get();
    }

    /** Completes when all stages have completed, successfully or not. */
    public static CompletableFuture<Void> settled(List<? extends CompletionStage<?>> stages) {
        CompletableFuture<?>[] all = stages.stream()
                .map(r -> r.toCompletableFuture().handle((v, e) -> null))
                .toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(all);
    }

    /** False once the connection was closed for good (Lettuce reconnects a dropped one by itself). */
    public boolean isOpen() {
        return connection.isOpen();
    }

    public CompletionStage<Void> close() {
        return connection.closeAsync();
    }
}
