package dev.vigil.redis;

import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.CommandArgs;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Command arguments already encoded as RESP bulk strings, written as they are. A poll's XREAD names every
 * queue's events stream and the id read up to in it: at 1,000 queues, 2,000 strings that the codec would
 * encode again at every poll, although a key never changes and an id only when its stream moved. The caller
 * keeps each argument's encoding ({@link #bulk}) and hands over the same arrays poll after poll.
 */
final class EncodedArgs extends CommandArgs<String, String> {
    private final List<byte[]> parts;
    private final byte[] firstKey;

    /** @param firstKey the first key, unencoded, for a Cluster's slot routing; null when the command has none */
    EncodedArgs(List<byte[]> parts, byte[] firstKey) {
        super(StringCodec.UTF8);
        this.parts = parts;
        this.firstKey = firstKey;
    }

    /** One argument as RESP writes it: {@code $<length>\r\n<bytes>\r\n}. */
    static byte[] bulk(String argument) {
        byte[] value = argument.getBytes(StandardCharsets.UTF_8);
        byte[] length = Integer.toString(value.length).getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[1 + length.length + 2 + value.length + 2];
        out[0] = '$';
        System.arraycopy(length, 0, out, 1, length.length);
        int at = 1 + length.length;
        out[at++] = '\r';
        out[at++] = '\n';
        System.arraycopy(value, 0, out, at, value.length);
        at += value.length;
        out[at++] = '\r';
        out[at] = '\n';
        return out;
    }

    @Override
    public int count() {
        return parts.size();
    }

    @Override
    public void encode(ByteBuf buf) {
        for (byte[] part : parts) {
            buf.writeBytes(part);
        }
    }

    @Override
    public ByteBuffer getFirstEncodedKey() {
        return firstKey == null ? null : ByteBuffer.wrap(firstKey);
    }

    @Override
    public String toCommandString() {
        return parts.size() + " encoded arguments";
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + " [" + toCommandString() + "]";
    }
}
