package dev.vigil.redis;

import io.opentelemetry.context.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The pipelined connection a source keeps to its Redis: opened at the first poll, reconnected by Lettuce
 * by itself after that (reopened only if it was closed for good). Turns each poll's outcome into a Vert.x
 * future, with Lettuce's errors classified, and hangs the poll's round trips under its span.
 */
public final class SourceConnection {
    private final RedisEndpoint redis;
    private final Vertx vertx;
    // Polls never overlap, but each runs across Lettuce and Vert.x threads: volatile keeps it visible.
    private volatile Pipeline pipeline;
    // The connection started when this was made, taken by the first poll that needs one.
    private volatile CompletionStage<Pipeline> opening;

    /**
     * Starts opening the connection at once, on a thread of its own, so that the first poll finds it open or
     * nearly so: the first connection of a process loads and links Lettuce, Reactor and Netty's channel classes,
     * about a quarter of a second that otherwise began only with the first poll, after the HTTP server was up.
     */
    public SourceConnection(RedisEndpoint redis, Vertx vertx) {
        this.redis = redis;
        this.vertx = vertx;
        this.opening = CompletableFuture.supplyAsync(redis::connect).thenCompose(c -> c);
    }

    public RedisEndpoint redis() {
        return redis;
    }

    /**
     * Runs one poll's reads on the connection; a failure becomes a PollException naming the Redis. Call it
     * from {@code Source.poll()} itself, where the engine's poll span is current.
     */
    public <T> Future<T> poll(Function<Pipeline, CompletionStage<T>> reads) {
        Context pollContext = Context.current();
        CompletionStage<T> result = pipeline().thenCompose(p -> {
            p.traceUnder(pollContext);
            return reads.apply(p);
        });
        return Future.fromCompletionStage(result, vertx.getOrCreateContext())
                .recover(e -> Future.failedFuture(RedisErrors.classify(redis.name(), e)));
    }

    public Future<Void> close() {
        CompletionStage<Pipeline> early = opening;
        opening = null;
        if (early != null) {
            early.thenAccept(Pipeline::close);
        }
        Pipeline p = pipeline;
        pipeline = null;
        return p == null ? Future.succeededFuture() : Future.fromCompletionStage(p.close()).recover(e -> Future.succeededFuture());
    }

    private CompletionStage<Pipeline> pipeline() {
        Pipeline p = pipeline;
        if (p != null && p.isOpen()) {
            return CompletableFuture.completedFuture(p);
        }
        CompletionStage<Pipeline> early = opening;
        opening = null;
        // An early connection that failed (Redis started after Vigil, as sidecars often do) is tried again now.
        return (early != null ? early.exceptionallyCompose(e -> redis.connect()) : redis.connect()).thenApply(opened -> {
            pipeline = opened;
            return opened;
        });
    }
}
