package dev.vigil.redis;

import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.CommandOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.ProtocolKeyword;
import io.lettuce.core.protocol.RedisCommand;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.NettyCustomizer;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Hands a batch's commands to Lettuce's channel as one write. Lettuce writes the commands it is given one by one:
 * each goes down the channel's pipeline on its own, with a write listener, an encoder buffer and an entry in the
 * outbound buffer, and at a settled 1,000-queue poll's 540 commands that path was a quarter of the poll thread's
 * CPU samples. Lettuce's command handler also takes a list of commands as one message: it puts each on its stack,
 * so replies still match one by one, and encodes them all into one buffer. A batch therefore goes to the
 * connection as one {@link Marker} command, which the handler installed here, first on the channel's write path,
 * turns into that list.
 *
 * <p>Only connections made with client resources that carry this customizer ({@link #installedIn}) may be given a
 * marker: without the handler it would reach Lettuce's encoder, which cannot write it (it fails, and the connection
 * is closed). Cluster connections route each command by its key, so they keep the commands one by one.
 */
public class WholeBatchWrites implements NettyCustomizer {
    private static final Unwrap UNWRAP = new Unwrap();

    @Override
    public void afterChannelInitialized(Channel channel) {
        channel.pipeline().addLast(UNWRAP);
    }

    /** Whether connections made with {@code resources} have the handler that unwraps a {@link Marker}. */
    public static boolean installedIn(ClientResources resources) {
        return resources.nettyCustomizer() instanceof WholeBatchWrites;
    }

    /** Last on the pipeline, so first on the way out: a marker becomes its list before Lettuce's handler sees it. */
    @ChannelHandler.Sharable
    private static final class Unwrap extends ChannelOutboundHandlerAdapter {
        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            ctx.write(msg instanceof Marker m ? m.handOver() : msg, promise);
        }
    }

    /**
     * A batch's commands as one command for Lettuce's endpoint (its buffer while auto-flush is off, its reconnect
     * handling), which the handler replaces by the commands. It has no reply of its own; a failure Lettuce reports
     * on it (closed connection, rejected while disconnected) is passed on to the commands that have no reply yet.
     */
    static final class Marker implements RedisCommand<String, String, Void> {
        private static final CommandArgs<String, String> NO_ARGS = new CommandArgs<>(StringCodec.UTF8);
        private final List<? extends RedisCommand<String, String, ?>> commands;
        // Once handed to Lettuce's handler the commands are on its stack and the marker is done: a failed write is
        // then not retried with the marker (Lettuce requeues what its stack held by itself).
        private volatile boolean handedOver;

        Marker(List<? extends RedisCommand<String, String, ?>> commands) {
            this.commands = commands;
        }

        private List<? extends RedisCommand<String, String, ?>> handOver() {
            handedOver = true;
            return commands;
        }

        @Override
        public CommandOutput<String, String, Void> getOutput() {
            return null;
        }

        @Override
        public void complete() {
        }

        @Override
        public boolean completeExceptionally(Throwable throwable) {
            for (RedisCommand<String, String, ?> c : commands) {
                if (!c.isDone()) {
                    c.completeExceptionally(throwable);
                }
            }
            handedOver = true;
            return true;
        }

        @Override
        public void cancel() {
            for (RedisCommand<String, String, ?> c : commands) {
                if (!c.isDone()) {
                    c.cancel();
                }
            }
            handedOver = true;
        }

        @Override
        public CommandArgs<String, String> getArgs() {
            return NO_ARGS;
        }

        @Override
        public ProtocolKeyword getType() {
            return Keyword.BATCH;
        }

        @Override
        public void encode(ByteBuf buf) {
            throw new IllegalStateException("a whole batch reached Lettuce's encoder: its connection lacks the WholeBatchWrites handler");
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public boolean isDone() {
            return handedOver;
        }

        @Override
        public void setOutput(CommandOutput<String, String, Void> output) {
            throw new UnsupportedOperationException("a whole batch has no output of its own");
        }

        @Override
        public String toString() {
            return "BATCH of " + commands.size() + " commands";
        }
    }

    /** The marker's name, as Lettuce logs it; never sent to Redis. */
    private enum Keyword implements ProtocolKeyword {
        BATCH;

        private final byte[] bytes = name().getBytes(StandardCharsets.US_ASCII);

        @Override
        public byte[] getBytes() {
            return bytes;
        }
    }
}
