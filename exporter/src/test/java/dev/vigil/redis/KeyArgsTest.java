package dev.vigil.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.CommandArgs;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** A key given as a kept base and a suffix is written, and routed on a Cluster, byte for byte as Lettuce's own encoding of the whole key. */
class KeyArgsTest {
    @Test
    void writesTheSameBytesAsLettuceForKeysOfEveryLengthAndAlphabet() {
        for (String base : new String[] {"b:q:", "bull:queue-0042:", "bull:tâche-📦-" + "x".repeat(120) + ":", "{t}:" + "q".repeat(9990) + ":"}) {
            for (String suffix : new String[] {"", "wait", "waiting-children"}) {
                String key = base + suffix;
                assertThat(bytes(new KeyArgs(Batch.utf8(base), Batch.utf8(suffix), new byte[0], 0)::encode))
                        .as(key).isEqualTo(bytes(new CommandArgs<>(StringCodec.UTF8).addKey(key)::encode));
                assertThat(bytes(new KeyArgs(Batch.utf8(base), Batch.utf8(suffix), Batch.bulks(-2, -1), 2)::encode))
                        .as(key).isEqualTo(bytes(new CommandArgs<>(StringCodec.UTF8).addKey(key).add(-2).add(-1)::encode));
                assertThat(new KeyArgs(Batch.utf8(base), Batch.utf8(suffix), Batch.bulks(0, 0), 2).getFirstEncodedKey())
                        .isEqualTo(new CommandArgs<>(StringCodec.UTF8).addKey(key).getFirstEncodedKey());
                assertThat(new KeyArgs(Batch.utf8(base), Batch.utf8(suffix), Batch.bulks(0, 0), 2).count()).isEqualTo(3);
            }
        }
    }

    private static byte[] bytes(Consumer<ByteBuf> encode) {
        ByteBuf buf = Unpooled.buffer();
        encode.accept(buf);
        byte[] out = new byte[buf.readableBytes()];
        buf.readBytes(out);
        return out;
    }
}
