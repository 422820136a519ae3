package dev.vigil.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.config.RedisConfig;
import dev.vigil.support.RedisExtension;
import dev.vigil.trace.Tracing;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A batch carries one timeout for all its commands, and other commands keep Lettuce's own: both fail with
 * Lettuce's timeout exception after {@code command_timeout} while Redis holds every client (CLIENT PAUSE), and a
 * batch answered in time is not failed later by its timer.
 */
class PipelineTimeoutIT {
    private static final Duration TIMEOUT = Duration.ofMillis(300);

    @RegisterExtension
    static final RedisExtension redis = RedisExtension.flushedBeforeEachTest();

    private static ClientResources resources;
    private static RedisEndpoint endpoint;
    private static Pipeline pipeline;

    @BeforeAll
    static void connect() throws Exception {
        // As Vigil makes its resources: batches are written whole (WholeBatchWrites), and their timeout still holds.
        resources = DefaultClientResources.builder().nettyCustomizer(new WholeBatchWrites()).build();
        endpoint = new RedisEndpoint(new RedisConfig("main", redis.url(), false, List.of(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), RedisConfig.DEFAULT_CONNECT_TIMEOUT, TIMEOUT), resources, Tracing.off());
        pipeline = endpoint.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void close() throws Exception {
        pipeline.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
        endpoint.shutdown().toCompletableFuture().get(10, TimeUnit.SECONDS);
        resources.shutdown(0, 1, TimeUnit.SECONDS);
    }

    @Test
    void aBatchAnsweredInTimeHasItsRepliesAndOutlivesItsTimer() throws Exception {
        redis.app().rpush("bull:q:wait", "1", "2", "3");
        Batch batch = new Batch();
        Batch.Reply<Long> waiting = batch.llen("bull:q:wait");
        Batch.Reply<Long> delayed = batch.zcard("bull:q:delayed");
        pipeline.send(batch).get(5, TimeUnit.SECONDS);
        Thread.sleep(TIMEOUT.toMillis() * 2);
        assertThat(waiting.value()).isEqualTo(3L);
        assertThat(delayed.value()).isZero();
        assertThat(waiting.refused()).isFalse();
    }

    @Test
    void aBatchThatGetsNoReplyFailsAfterTheCommandTimeout() throws Exception {
        redis.app().clientPause(1500);
        Batch batch = new Batch();
        Batch.Reply<Long> waiting = batch.llen("bull:q:wait");
        batch.zcard("bull:q:delayed");
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> pipeline.send(batch).get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(RedisCommandTimeoutException.class);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(ms).as("failed by the batch's timer, not by the pause ending").isBetween(TIMEOUT.toMillis() - 50, 1400L);
        assertThatThrownBy(waiting::value).hasMessage("Command timed out after 300 millisecond(s)");
        awaitUnpaused();
    }

    @Test
    void aCommandOutsideABatchKeepsItsOwnTimeout() throws Exception {
        redis.app().clientPause(1500);
        RedisFuture<Long> length = pipeline.commands().llen("bull:q:wait");
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> pipeline.send(List.of(length)).thenCompose(v -> length).get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(RedisCommandTimeoutException.class);
        assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(TIMEOUT.toMillis() - 50, 1400L);
        awaitUnpaused();
    }

    /** The paused commands are answered once the pause ends; the next test starts after that. */
    private static void awaitUnpaused() throws Exception {
        Batch ping = new Batch();
        ping.time();
        for (int i = 0; i < 50; i++) {
            try {
                pipeline.send(ping).get(5, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException e) {
                ping = new Batch();
                ping.time();
            }
        }
    }
}
