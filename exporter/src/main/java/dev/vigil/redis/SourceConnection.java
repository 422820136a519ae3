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

    public SourceConnection(RedisEndpoint redis, Vertx vertx) {
        this.redis = redis;
        this.vertx = vertx;
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
        Pipeline p = pipeline;
        pipeline = null;
        return p == null ? Future.succeededFuture() : Future.fromCompletionStage(p.close()).recover(e -> Future.succeededFuture());
    }

    private CompletionStage<Pipeline> pipeline() {
        Pipeline p = pipeline;
        if (p != null && p.isOpen()) {
            return CompletableFuture.completedFuture(p);
        }
        return redis.connect().thenApply(opened -> {
            pipeline = opened;
            return opened;
        });
    }
}
