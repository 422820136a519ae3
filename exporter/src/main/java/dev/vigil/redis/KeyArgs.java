package dev.vigil.redis;

import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.CommandArgs;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;

/**
 * A key made of a base the caller keeps encoded (a queue's {@code <prefix>:<name>:}) and a suffix constant for the
 * command ({@code wait}, {@code meta}), then arguments already in RESP ({@link Batch#bulks}). Lettuce encodes a
 * String key into a pooled buffer of its own before copying it, to learn its length: at a 1,000-queue poll's
 * hundreds of commands, with the key's concatenation before that, this was about a tenth of the poll thread's CPU
 * samples. Here the length is the two parts' and the bytes are written straight from them; a queue keeps one small
 * array, not one per key.
 */
final class KeyArgs extends CommandArgs<String, String> {
    private final byte[] base;
    private final byte[] suffix;
    private final byte[] rest;
    private final int restCount;

    KeyArgs(byte[] base, byte[] suffix, byte[] rest, int restCount) {
        super(StringCodec.UTF8);
        this.base = base;
        this.suffix = suffix;
        this.rest = rest;
        this.restCount = restCount;
    }

    @Override
    public int count() {
        return 1 + restCount;
    }

    @Override
    public void encode(ByteBuf buf) {
        buf.writeByte('$');
        writeDecimal(buf, base.length + suffix.length);
        buf.writeByte('\r').writeByte('\n');
        buf.writeBytes(base).writeBytes(suffix);
        buf.writeByte('\r').writeByte('\n');
        buf.writeBytes(rest);
    }

    private static void writeDecimal(ByteBuf buf, int n) {
        if (n >= 10) {
            writeDecimal(buf, n / 10);
        }
        buf.writeByte('0' + n % 10);
    }

    /** The whole key, for a Cluster's slot routing. */
    @Override
    public ByteBuffer getFirstEncodedKey() {
        byte[] key = new byte[base.length + suffix.length];
        System.arraycopy(base, 0, key, 0, base.length);
        System.arraycopy(suffix, 0, key, base.length, suffix.length);
        return ByteBuffer.wrap(key);
    }

    @Override
    public String toCommandString() {
        return new String(base, java.nio.charset.StandardCharsets.UTF_8) + new String(suffix, java.nio.charset.StandardCharsets.UTF_8)
                + (restCount > 0 ? " and " + restCount + " encoded arguments" : "");
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + " [" + toCommandString() + "]";
    }
}
