package dev.vigil.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.config.RedisConfig;
import dev.vigil.support.RedisExtension;
import dev.vigil.trace.Tracing;
import io.lettuce.core.resource.ClientResources;
import io.netty.channel.EventLoop;
import io.netty.util.HashedWheelTimer;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Lettuce on the Vert.x event loop: a batch sent from that loop is written, answered and handed back on it,
 * a batch sent from elsewhere still completes, and shutting Lettuce down leaves the loop running for Vert.x.
 */
class VertxEventLoopIT {
    @RegisterExtension
    static final RedisExtension redis = RedisExtension.flushedBeforeEachTest();

    @Test
    void repliesAreHandledOnTheVertxEventLoopAndShuttingLettuceDownLeavesItRunning() throws Exception {
        Vertx vertx = Vertx.vertx();
        HashedWheelTimer timer = new HashedWheelTimer();
        try {
            ContextInternal context = (ContextInternal) vertx.getOrCreateContext();
            EventLoop loop = context.nettyEventLoop();
            ClientResources resources = VertxEventLoop.resources(loop, timer);
            RedisEndpoint endpoint = new RedisEndpoint(new RedisConfig("main", redis.url(), false, List.of(), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), RedisConfig.DEFAULT_CONNECT_TIMEOUT, Duration.ofSeconds(5)), resources, Tracing.off());
            Pipeline pipeline = endpoint.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
            redis.app().rpush("bull:q:wait", "1", "2", "3");

            CompletableFuture<String> handledOn = new CompletableFuture<>();
            CompletableFuture<Long> waiting = new CompletableFuture<>();
            context.runOnContext(v -> {
                Batch batch = new Batch();
                Batch.Reply<Long> llen = batch.llen("bull:q:wait");
                pipeline.send(batch).whenComplete((x, e) -> {
                    handledOn.complete(loop.inEventLoop() ? "event loop" : Thread.currentThread().getName());
                    waiting.complete(e == null ? llen.value() : -1L);
                });
            });
            assertThat(handledOn.get(10, TimeUnit.SECONDS)).isEqualTo("event loop");
            assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo(3L);

            // From a thread of its own (a test, the early connect): Lettuce hands the write to the loop.
            Batch batch = new Batch();
            Batch.Reply<Long> delayed = batch.zcard("bull:q:delayed");
            pipeline.send(batch).get(10, TimeUnit.SECONDS);
            assertThat(delayed.value()).isZero();

            pipeline.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
            endpoint.shutdown().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(resources.shutdown(0, 1, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS)).isTrue();
            assertThat(loop.isShuttingDown()).isFalse();
            CompletableFuture<Boolean> stillRuns = new CompletableFuture<>();
            context.runOnContext(v -> stillRuns.complete(loop.inEventLoop()));
            assertThat(stillRuns.get(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            timer.stop();
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
