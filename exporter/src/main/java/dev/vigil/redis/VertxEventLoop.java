package dev.vigil.redis;

import dev.vigil.config.RedisConfig;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.EventLoopGroupProvider;
import io.lettuce.core.resource.Transports;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.Timer;
import io.netty.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Gives Lettuce the Vert.x event loop the polls run on, instead of I/O threads of its own. A poll's commands
 * are then written, and its replies read and handled, on the thread that started it: no hand-off between
 * threads at each round trip, and no second set of I/O threads waking up on an idle Vigil. Side by side at
 * 1,000 queues, the settled poll took 6.1 ms against 7.0 and the process 9.7 ms of CPU per poll against 10.9
 * (docs/performance.md). An event loop is a group of one (its next() is itself), so every connection's channel
 * is registered on it. It belongs to Vert.x, so releasing or shutting it down here does nothing.
 *
 * <p>Nothing on a Redis path may block this thread: a wait for a reply on it would wait forever, and every
 * source's polls run on it (the HTTP server has the other event loop, see ExporterVerticle). Addresses are resolved by Lettuce's asynchronous DNS resolver, not the JDK's blocking one.
 * Some connections are not given this loop ({@link #suits}).
 */
public final class VertxEventLoop implements EventLoopGroupProvider {
    private final EventLoop loop;

    private VertxEventLoop(EventLoop loop) {
        this.loop = loop;
    }

    /**
     * Whether a Redis' connections may run on the event loop. Not a Cluster's: Lettuce's Cluster client waits inside
     * a write for a node's connection to open, which on this loop would wait for itself (it hung the test suite).
     * Not TLS: Lettuce builds the TLS context at every connect and reconnect, reading the certificate files or the
     * JDK's trust store, file reads and tens of milliseconds that scrapes would wait behind. And only while Lettuce
     * uses NIO channels, as Vert.x does here: should a native transport (epoll, io_uring) become available, Lettuce
     * would open channels of that kind, which a NIO loop cannot run.
     */
    public static boolean suits(RedisConfig redis) {
        return !redis.cluster() && !redis.usesTls() && Transports.socketChannelClass() == NioSocketChannel.class;
    }

    /**
     * Lettuce's resources on {@code loop}, with {@code timer} for batch and command timeouts, writing each batch
     * as one ({@link WholeBatchWrites}). Lettuce's two computation threads (its smallest pool: reconnect back-off,
     * its event bus) start only when used.
     */
    public static ClientResources resources(EventLoop loop, Timer timer) {
        return DefaultClientResources.builder().eventLoopGroupProvider(new VertxEventLoop(loop))
                .computationThreadPoolSize(2).timer(timer).nettyCustomizer(new WholeBatchWrites()).build();
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T extends EventLoopGroup> T allocate(Class<T> type) {
        return (T) loop;
    }

    @Override
    public int threadPoolSize() {
        return 1;
    }

    @Override
    public Future<Boolean> release(EventExecutorGroup group, long quietPeriod, long timeout, TimeUnit unit) {
        return loop.newSucceededFuture(true);
    }

    @Override
    public Future<Boolean> shutdown(long quietPeriod, long timeout, TimeUnit unit) {
        return loop.newSucceededFuture(true);
    }
}
