package dev.vigil.redis;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.internal.ExceptionFactory;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.ArrayOutput;
import io.lettuce.core.output.CommandOutput;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.output.MapOutput;
import io.lettuce.core.output.NestedMultiOutput;
import io.lettuce.core.output.StreamReadOutput;
import io.lettuce.core.output.ValueListOutput;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.CommandWrapper;
import io.lettuce.core.protocol.RedisCommand;
import io.netty.util.Timeout;
import io.netty.util.Timer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Commands handed to Lettuce in one call and answered into plain values, with one future for the whole
 * batch instead of one per command: at thousands of queues the futures, their callbacks and the per-command
 * flushes cost more client CPU than Redis spends answering (see docs/bullmq-polling.md). Each reply is read
 * after the batch settled; a command Redis refused (e.g. WRONGTYPE) is a refused reply, not a failed batch,
 * while a lost connection fails the batch. The batch has one timeout for all its commands ({@link #expireAfter}):
 * Lettuce's own is one timer per command, and at 1,000 queues those timers kept thousands of finished commands
 * and their replies alive for the length of the timeout.
 */
public final class Batch {
    private static final StringCodec CODEC = StringCodec.UTF8;
    private static final byte[] COUNT = bulk("COUNT");
    private static final byte[] STREAMS = bulk("STREAMS");
    private static final byte[] NO_KEYS = bulk("0");
    private static final byte[] NOTHING = new byte[0];

    private final List<RedisCommand<String, String, ?>> commands = new ArrayList<>();
    private final CompletableFuture<Void> settled = new CompletableFuture<>();
    private int pending;
    private Throwable failure;
    private Timeout expiry;

    public Reply<Long> llen(String key) {
        return llen(utf8(key), NOTHING);
    }

    public Reply<Long> zcard(String key) {
        return zcard(utf8(key), NOTHING);
    }

    public Reply<Long> exists(String key) {
        return exists(utf8(key), NOTHING);
    }

    public Reply<List<String>> lrange(String key, long start, long stop) {
        return lrange(utf8(key), NOTHING, bulks(start, stop));
    }

    public Reply<List<String>> zrange(String key, long start, long stop) {
        return zrange(utf8(key), NOTHING, bulks(start, stop));
    }

    public Reply<Map<String, String>> hgetall(String key) {
        return hgetall(utf8(key), NOTHING);
    }

    // The same commands on a key given as a base the caller keeps (a queue's "<prefix>:<name>:", utf8) and a suffix
    // constant for the command: nothing is concatenated or encoded again at each poll (KeyArgs).

    public Reply<Long> llen(byte[] base, byte[] suffix) {
        return add(CommandType.LLEN, new IntegerOutput<>(CODEC), new KeyArgs(base, suffix, NOTHING, 0));
    }

    public Reply<Long> zcard(byte[] base, byte[] suffix) {
        return add(CommandType.ZCARD, new IntegerOutput<>(CODEC), new KeyArgs(base, suffix, NOTHING, 0));
    }

    public Reply<Long> exists(byte[] base, byte[] suffix) {
        return add(CommandType.EXISTS, new IntegerOutput<>(CODEC), new KeyArgs(base, suffix, NOTHING, 0));
    }

    public Reply<Map<String, String>> hgetall(byte[] base, byte[] suffix) {
        return add(CommandType.HGETALL, new MapOutput<>(CODEC), new KeyArgs(base, suffix, NOTHING, 0));
    }

    /** @param range start and stop, as {@link #bulks} encodes them */
    public Reply<List<String>> lrange(byte[] base, byte[] suffix, byte[] range) {
        return add(CommandType.LRANGE, new ValueListOutput<>(CODEC), new KeyArgs(base, suffix, range, 2));
    }

    /** @param range start and stop, as {@link #bulks} encodes them */
    public Reply<List<String>> zrange(byte[] base, byte[] suffix, byte[] range) {
        return add(CommandType.ZRANGE, new ValueListOutput<>(CODEC), new KeyArgs(base, suffix, range, 2));
    }

    /** A key's part as the methods taking a base and a suffix want it. */
    public static byte[] utf8(String part) {
        return part.getBytes(StandardCharsets.UTF_8);
    }

    /** Numbers as RESP bulk strings, one after the other: the arguments after a key, encoded once. */
    public static byte[] bulks(long... numbers) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (long n : numbers) {
            out.writeBytes(bulk(Long.toString(n)));
        }
        return out.toByteArray();
    }

    /** HMGET: the values in the order asked, null for a field the hash lacks. */
    public Reply<List<String>> hmget(String key, String... fields) {
        CommandArgs<String, String> args = key(key);
        for (String f : fields) {
            args.add(f);
        }
        return add(CommandType.HMGET, new ValueListOutput<>(CODEC), args);
    }

    public Reply<List<Object>> xinfoStream(String key) {
        return add(CommandType.XINFO, new ArrayOutput<>(CODEC), new CommandArgs<>(CODEC).add("STREAM").addKey(key));
    }

    /**
     * One non-blocking XREAD of several streams, each from its own id; on a Cluster all keys must hash to one
     * slot. The reply holds only the streams that had entries, each entry naming its stream.
     */
    public Reply<List<StreamMessage<String, String>>> xread(long count, List<String> keys, List<String> fromIds) {
        return xread(count, keys.stream().map(Batch::bulk).toList(), fromIds.stream().map(Batch::bulk).toList(), keys.get(0));
    }

    /**
     * The same XREAD from arguments the caller keeps encoded ({@link #bulk}) from poll to poll: writing 2,000
     * kept arrays costs a fraction of encoding 2,000 strings again.
     *
     * @param firstKey the first stream's key, by which a Cluster routes the command
     */
    public Reply<List<StreamMessage<String, String>>> xread(long count, List<byte[]> keys, List<byte[]> fromIds, String firstKey) {
        List<byte[]> parts = new ArrayList<>(3 + keys.size() + fromIds.size());
        parts.add(COUNT);
        parts.add(bulk(Long.toString(count)));
        parts.add(STREAMS);
        parts.addAll(keys);
        parts.addAll(fromIds);
        return add(CommandType.XREAD, new StreamReadOutput<>(CODEC), new EncodedArgs(parts, firstKey.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * EVAL of a script that names no keys, with its text and arguments kept encoded ({@link #bulk}) by the caller.
     * The script must not be sent to a Cluster, which routes by declared keys. The reply is nested lists of
     * Long, String and null.
     */
    public Reply<List<Object>> eval(byte[] script, List<byte[]> args) {
        List<byte[]> parts = new ArrayList<>(2 + args.size());
        parts.add(script);
        parts.add(NO_KEYS);
        parts.addAll(args);
        return add(CommandType.EVAL, new NestedMultiOutput<>(CODEC), new EncodedArgs(parts, null));
    }

    /** An argument encoded as a RESP bulk string, to be kept and handed to {@link #xread(long, List, List, String)}. */
    public static byte[] bulk(String argument) {
        return EncodedArgs.bulk(argument);
    }

    public Reply<List<String>> time() {
        return add(CommandType.TIME, new ValueListOutput<>(CODEC), new CommandArgs<>(CODEC));
    }

    public boolean isEmpty() {
        return commands.isEmpty();
    }

    public int size() {
        return commands.size();
    }

    List<RedisCommand<String, String, ?>> commands() {
        return commands;
    }

    /** The commands as one command, for a connection that writes them as one ({@link WholeBatchWrites}). */
    RedisCommand<String, String, Void> whole() {
        return new WholeBatchWrites.Marker(commands);
    }

    /** Completes when every reply has arrived, or exceptionally with the first command that got none. */
    CompletableFuture<Void> settled() {
        synchronized (this) {
            if (pending == 0 && !settled.isDone()) {
                settled.complete(null);
            }
        }
        return settled;
    }

    /**
     * Fails the commands still without a reply after {@code timeout}, as Lettuce's per-command timeout would (the
     * same exception); called once the batch was written.
     */
    void expireAfter(Timer timer, Duration timeout) {
        Timeout t = timer.newTimeout(x -> expire(timeout), timeout.toNanos(), TimeUnit.NANOSECONDS);
        synchronized (this) {
            if (pending == 0) {
                t.cancel();
            } else {
                expiry = t;
            }
        }
    }

    private void expire(Duration timeout) {
        for (RedisCommand<String, String, ?> c : commands) {
            if (!c.isDone()) {
                c.completeExceptionally(ExceptionFactory.createTimeoutException(timeout));
            }
        }
    }

    /** Batch replies, and a batch as one command, carry no timeout of their own: the batch has one. */
    static boolean isBatched(RedisCommand<?, ?, ?> command) {
        return command instanceof WholeBatchWrites.Marker || CommandWrapper.unwrap(command, Reply.class) != null;
    }

    private static CommandArgs<String, String> key(String key) {
        return new CommandArgs<>(CODEC).addKey(key);
    }

    private <T> Reply<T> add(CommandType type, CommandOutput<String, String, T> output, CommandArgs<String, String> args) {
        Reply<T> r = new Reply<>(this, type, output, args);
        commands.add(r);
        synchronized (this) {
            pending++;
        }
        return r;
    }

    private synchronized void done(Throwable error) {
        if (error != null && failure == null) {
            failure = error;
        }
        if (--pending == 0) {
            if (expiry != null) {
                expiry.cancel();
            }
            if (failure == null) {
                settled.complete(null);
            } else {
                settled.completeExceptionally(failure);
            }
        }
    }

    /** One command of a batch and, once the batch settled, its reply. */
    public static final class Reply<T> extends Command<String, String, T> {
        private final Batch batch;
        private boolean done;

        private Reply(Batch batch, CommandType type, CommandOutput<String, String, T> output, CommandArgs<String, String> args) {
            super(type, output, args);
            this.batch = batch;
        }

        /** The reply; a command Redis refused throws the error Redis gave, as Lettuce's futures do. */
        public T value() {
            if (refused()) {
                throw new RedisCommandExecutionException(getError());
            }
            return get();
        }

        /** Redis answered with an error (WRONGTYPE, no such key for XINFO, ...). */
        public boolean refused() {
            return getError() != null;
        }

        public boolean wrongType() {
            return refused() && getError().startsWith("WRONGTYPE");
        }

        @Override
        public void complete() {
            super.complete();
            settle(null);
        }

        @Override
        public boolean completeExceptionally(Throwable error) {
            boolean changed = super.completeExceptionally(error);
            settle(error);
            return changed;
        }

        @Override
        public void cancel() {
            super.cancel();
            settle(new java.util.concurrent.CancellationException("command cancelled: " + getType()));
        }

        private void settle(Throwable error) {
            synchronized (this) {
                if (done) {
                    return;
                }
                done = true;
            }
            batch.done(error);
        }
    }
}
