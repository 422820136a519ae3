package dev.vigil.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;

class GzipMemberTest {

    @Test
    void combinedCrcIsTheCrcOfTheConcatenation() {
        Random random = new Random(7);
        for (int size : new int[] {1, 3, 1000, 65_537, 3_000_001}) {
            byte[] a = new byte[size * 2 + 5];
            byte[] b = new byte[size];
            random.nextBytes(a);
            random.nextBytes(b);
            CRC32 whole = new CRC32();
            whole.update(a);
            whole.update(b);
            assertThat(GzipMember.combine(crc(a), crc(b), b.length)).as("%d bytes", size).isEqualTo((int) whole.getValue());
        }
    }

    @Test
    void partsCompressedApartMakeOneMemberThatInflatesToTheirConcatenation() throws Exception {
        String first = "# TYPE a gauge\na 1\n".repeat(5000);
        String empty = "";
        String last = "# TYPE b counter\nb_total 2\n# EOF\n";
        List<Buffer> member = GzipMember.of(List.of(GzipMember.compress(bytes(first)), GzipMember.compress(bytes(empty)),
                GzipMember.compress(bytes(last))));
        Buffer all = Buffer.buffer();
        member.forEach(all::appendBuffer);
        byte[] gz = all.getBytes();

        assertThat(new String(new GZIPInputStream(new ByteArrayInputStream(gz)).readAllBytes(), StandardCharsets.UTF_8))
                .isEqualTo(first + empty + last);
        // One member: a single inflate after the 10-byte header reaches the end of the deflate stream, and only the
        // 8-byte trailer is left, as a reader that stops after the first member (curl --compressed) needs.
        Inflater inflater = new Inflater(true);
        inflater.setInput(gz, 10, gz.length - 10);
        byte[] out = new byte[first.length() + last.length() + 10];
        int n = inflater.inflate(out);
        assertThat(inflater.finished()).isTrue();
        assertThat(inflater.getRemaining()).isEqualTo(8);
        assertThat(n).isEqualTo(first.length() + last.length());
        inflater.end();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static int crc(byte[] data) {
        CRC32 crc = new CRC32();
        crc.update(data);
        return (int) crc.getValue();
    }
}
