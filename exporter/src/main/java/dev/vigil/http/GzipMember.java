package dev.vigil.http;

import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * One gzip member (RFC 1952) assembled from parts compressed apart: each part is a raw deflate stream ended
 * by a sync flush (byte-aligned, not final), so the parts follow each other as one stream; the member adds
 * the header, a final empty block, and the CRC-32 of the whole, combined from the parts' own CRCs. One member
 * and not several, because some clients (curl's --compressed among them) stop after the first member.
 */
final class GzipMember {
    private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};
    /** A final, empty block with fixed codes: ends the deflate stream. */
    private static final byte[] LAST_BLOCK = {3, 0};
    private static final int CRC_POLYNOMIAL = 0xedb88320;
    /** {@code ZEROS[k]}: the operator that appends 2^k zero bytes to a CRC-32's message. */
    private static final int[][] ZEROS = zeroOperators();

    private GzipMember() {
    }

    /** A part: its deflate bytes, the CRC-32 and length of what they decompress to. */
    record Part(Buffer deflated, int crc, long length) {
    }

    static Part compress(byte[] plain) {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        ByteArrayOutputStream out = new ByteArrayOutputStream(plain.length / 6 + 64);
        try {
            deflater.setInput(plain);
            byte[] chunk = new byte[16 * 1024];
            int n;
            do {
                n = deflater.deflate(chunk, 0, chunk.length, Deflater.SYNC_FLUSH);
                out.write(chunk, 0, n);
            } while (n == chunk.length || !deflater.needsInput());
        } finally {
            deflater.end();
        }
        CRC32 crc = new CRC32();
        crc.update(plain);
        return new Part(Buffer.buffer(out.toByteArray()), (int) crc.getValue(), plain.length);
    }

    /** The member's bytes, in order: header, the parts' deflate streams, the end. */
    static List<Buffer> of(List<Part> parts) {
        int crc = 0;
        long length = 0;
        java.util.ArrayList<Buffer> out = new java.util.ArrayList<>(parts.size() + 2);
        out.add(Buffer.buffer(HEADER));
        for (Part p : parts) {
            crc = combine(crc, p.crc(), p.length());
            length += p.length();
            out.add(p.deflated());
        }
        Buffer trailer = Buffer.buffer(LAST_BLOCK).appendIntLE(crc).appendIntLE((int) length);
        out.add(trailer);
        return out;
    }

    /**
     * The CRC-32 of A followed by B, from the CRC of each and B's length: appending B's length in zero bits to A
     * multiplies A's remainder by x^(8 len) modulo the polynomial. That is one 32x32 bit matrix over GF(2) per set
     * bit of the length, from {@link #ZEROS}; squaring the matrices at every call instead cost half of a scrape's
     * CPU at 1,000 queues.
     */
    static int combine(int crcA, int crcB, long lengthB) {
        if (lengthB <= 0) {
            return crcA;
        }
        int crc = crcA;
        for (int k = 0; lengthB != 0; k++, lengthB >>>= 1) {
            if ((lengthB & 1) != 0) {
                crc = times(ZEROS[k], crc);
            }
        }
        return crc ^ crcB;
    }

    private static int[][] zeroOperators() {
        int[] operator = new int[32];
        operator[0] = CRC_POLYNOMIAL;
        for (int i = 1; i < 32; i++) {
            operator[i] = 1 << (i - 1);
        }
        // From one zero bit to one zero byte: three squarings (2, 4, 8 bits); then each square doubles the bytes.
        for (int i = 0; i < 3; i++) {
            operator = square(operator);
        }
        int[][] zeros = new int[63][];
        for (int k = 0; k < zeros.length; k++) {
            zeros[k] = operator;
            operator = square(operator);
        }
        return zeros;
    }

    private static int times(int[] matrix, int vector) {
        int sum = 0;
        for (int i = 0; vector != 0; i++, vector >>>= 1) {
            if ((vector & 1) != 0) {
                sum ^= matrix[i];
            }
        }
        return sum;
    }

    private static int[] square(int[] matrix) {
        int[] squared = new int[32];
        for (int i = 0; i < 32; i++) {
            squared[i] = times(matrix, matrix[i]);
        }
        return squared;
    }
}
