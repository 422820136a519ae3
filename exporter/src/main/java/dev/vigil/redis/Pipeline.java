package dev.vigil.redis;

import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Sends a batch of commands in one write and waits for all replies: one round trip however many queues
 * there are. Needs a connection of its own (auto-flush is switched off on it), which is why every source
 * opens its own connection.
 */
public final class Pipeline {
    private final StatefulRedisConnection<String, String> connection;

    public Pipeline(StatefulRedisConnection<String, String> connection) {
        this.connection = connection;
        connection.setAutoFlushCommands(false);
    }

    /** Queue commands here; nothing is sent until {@link #send}. */
    public RedisAsyncCommands<String, String> commands() {
        return connection.async();
    }

    /**
     * Sends everything queued and completes when every reply has arrived, whether each command succeeded
     * or failed: callers look at the individual futures.
     */
    public CompletableFuture<Void> send(List<? extends CompletionStage<?>> replies) {
        connection.flushCommands();
        CompletableFuture<?>[] all = replies.stream()
                .map(r -> r.toCompletableFuture().handle((v, e) -> null))
                .toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(all);
    }

    public boolean isOpen() {
        return connection.isOpen();
    }

    public CompletionStage<Void> close() {
        return connection.closeAsync();
    }
}
