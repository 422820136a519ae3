package dev.vigil.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.config.RedisConfig;
import dev.vigil.support.RedisExtension;
import dev.vigil.trace.Tracing;
import io.lettuce.core.RedisException;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.NettyCustomizer;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A batch reaches the socket as one buffer however many commands it holds, each reply still lands on its own
 * command (a refused one included), and a batch sent on a closed connection fails at once, not at its timeout.
 * The buffers are counted by a handler at the head of the channel's pipeline, where the encoded bytes pass.
 */
class WholeBatchWritesIT {
    private static final int QUEUES = 250;

    @RegisterExtension
    static final RedisExtension redis = RedisExtension.flushedBeforeEachTest();

    @Test
    void aBatchIsOneBufferOnTheWireAndEveryReplyLandsOnItsCommand() throws Exception {
        for (int i = 0; i < QUEUES; i++) {
            redis.app().rpush("bull:q" + i + ":wait", jobs(i % 7 + 1));
            redis.app().hset("bull:q" + i + ":meta", Map.of("paused", "1", "n", Integer.toString(i)));
        }
        redis.app().set("bull:odd:wait", "a string, not a list");
        withPipeline(true, (pipeline, buffers) -> {
            Batch batch = new Batch();
            List<Batch.Reply<Long>> lengths = new ArrayList<>();
            List<Batch.Reply<Map<String, String>>> metas = new ArrayList<>();
            for (int i = 0; i < QUEUES; i++) {
                lengths.add(batch.llen("bull:q" + i + ":wait"));
                batch.zcard("bull:q" + i + ":delayed");
                metas.add(batch.hgetall("bull:q" + i + ":meta"));
                batch.lrange("bull:q" + i + ":wait", -2, -1);
            }
            Batch.Reply<Long> odd = batch.llen("bull:odd:wait");
            int before = buffers.get();
            pipeline.send(batch).get(10, TimeUnit.SECONDS);

            assertThat(buffers.get() - before).as("buffers written for a batch of %d commands", batch.size()).isEqualTo(1);
            for (int i = 0; i < QUEUES; i++) {
                assertThat(lengths.get(i).value()).isEqualTo(i % 7 + 1);
                assertThat(metas.get(i).value()).containsEntry("n", Integer.toString(i));
            }
            assertThat(odd.wrongType()).isTrue();
            pipeline.close().toCompletableFuture().get(10, TimeUnit.SECONDS);

            Batch late = new Batch();
            Batch.Reply<Long> length = late.llen("bull:q1:wait");
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> pipeline.send(late).get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(RedisException.class);
            assertThat((System.nanoTime() - t0) / 1_000_000).as("ms until a batch on a closed connection failed").isLessThan(2_000);
            assertThat(length.refused()).isTrue();
        });
    }

    /** Without the handler (as a Cluster's connections), each command is a buffer of its own: what the test above saves. */
    @Test
    void withoutTheHandlerEachCommandIsABufferOfItsOwn() throws Exception {
        withPipeline(false, (pipeline, buffers) -> {
            Batch batch = new Batch();
            for (int i = 0; i < QUEUES; i++) {
                batch.llen("bull:q" + i + ":wait");
            }
            int before = buffers.get();
            pipeline.send(batch).get(10, TimeUnit.SECONDS);
            assertThat(buffers.get() - before).isEqualTo(QUEUES);
            pipeline.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
        });
    }

    private interface PipelineTest {
        void run(Pipeline pipeline, AtomicInteger buffers) throws Exception;
    }

    /** Runs {@code test} on a connection that counts the buffers it writes, with or without WholeBatchWrites. */
    private static void withPipeline(boolean wholeBatches, PipelineTest test) throws Exception {
        AtomicInteger buffers = new AtomicInteger();
        NettyCustomizer counting = wholeBatches ? new WholeBatchWrites() {
            @Override
            public void afterChannelInitialized(Channel channel) {
                super.afterChannelInitialized(channel);
                channel.pipeline().addFirst(new CountBuffers(buffers));
            }
        } : new NettyCustomizer() {
            @Override
            public void afterChannelInitialized(Channel channel) {
                channel.pipeline().addFirst(new CountBuffers(buffers));
            }
        };
        ClientResources resources = DefaultClientResources.builder().nettyCustomizer(counting).build();
        RedisEndpoint endpoint = new RedisEndpoint(new RedisConfig("main", redis.url(), false, List.of(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), RedisConfig.DEFAULT_CONNECT_TIMEOUT, Duration.ofSeconds(5)), resources, Tracing.off());
        try {
            test.run(endpoint.connect().toCompletableFuture().get(10, TimeUnit.SECONDS), buffers);
        } finally {
            endpoint.shutdown().toCompletableFuture().get(10, TimeUnit.SECONDS);
            resources.shutdown(0, 1, TimeUnit.SECONDS);
        }
    }

    private static String[] jobs(int n) {
        String[] ids = new String[n];
        for (int i = 0; i < n; i++) {
            ids[i] = Integer.toString(i + 1);
        }
        return ids;
    }

    /** First on the pipeline, so last on the way out: it sees what the encoder made of each write. */
    @ChannelHandler.Sharable
    private static final class CountBuffers extends ChannelOutboundHandlerAdapter {
        private final AtomicInteger buffers;

        CountBuffers(AtomicInteger buffers) {
            this.buffers = buffers;
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof ByteBuf) {
                buffers.incrementAndGet();
            }
            ctx.write(msg, promise);
        }
    }
}
