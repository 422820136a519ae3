package dev.vigil.redis;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The pipelined connection a source keeps to its Redis: opened at the first poll, reconnected by Lettuce
 * by itself after that. Turns each poll's outcome into a Vert.x future, with Lettuce's errors classified.
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

    /** Runs one poll's reads on the connection; a failure becomes a PollException naming the Redis. */
    public <T> Future<T> poll(Function<Pipeline, CompletionStage<T>> reads) {
        CompletionStage<T> result = pipeline().thenCompose(reads);
        return Future.fromCompletionStage(result, vertx.getOrCreateContext())
                .recover(e -> Future.failedFuture(RedisErrors.classify(redis.name(), e)));
    }

    public Future<Void> close() {
        Pipeline p = pipeline;
        pipeline = null;
        return p == null ? Future.succeededFuture() : Future.fromCompletionStage(p.close()).recover(e -> Future.succeededFuture());
    }

    private CompletionStage<Pipeline> pipeline() {
        if (pipeline != null && pipeline.isOpen()) {
            return CompletableFuture.completedFuture(pipeline);
        }
        return redis.connect().thenApply(p -> {
            pipeline = p;
            return p;
        });
    }
}
