package dev.vigil.llm.otlp;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads the protobuf wire format over a byte range, field by field, for the few OTLP fields Vigil needs.
 * Unknown fields are skipped by their length, never parsed, so a nested value cannot make the reader recurse;
 * every length is checked against what is left, so a lying length is a {@link MalformedOtlp}, not an overrun.
 * See https://protobuf.dev/programming-guides/encoding/.
 */
final class ProtoReader {
    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH = 2;
    static final int FIXED32 = 5;

    private final byte[] bytes;
    private int pos;
    private final int limit;
    private int tag;

    ProtoReader(byte[] bytes) {
        this(bytes, 0, bytes.length);
    }

    private ProtoReader(byte[] bytes, int from, int limit) {
        this.bytes = bytes;
        this.pos = from;
        this.limit = limit;
    }

    /** Moves to the next field; false at the end of this message. */
    boolean next() throws MalformedOtlp {
        if (pos >= limit) {
            return false;
        }
        long t = varint();
        // Field numbers run from 1 to 2^29 - 1, so a tag fills up to 32 bits: kept in an int, read unsigned.
        if (t >>> 3 == 0 || t > 0xffff_ffffL) {
            throw new MalformedOtlp("invalid protobuf field tag");
        }
        tag = (int) t;
        return true;
    }

    int field() {
        return tag >>> 3;
    }

    int wireType() {
        return tag & 7;
    }

    long varint() throws MalformedOtlp {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= limit) {
                throw new MalformedOtlp("truncated protobuf varint");
            }
            byte b = bytes[pos++];
            value |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return value;
            }
        }
        throw new MalformedOtlp("protobuf varint longer than 10 bytes");
    }

    long fixed64() throws MalformedOtlp {
        expect(FIXED64);
        need(8);
        long value = 0;
        for (int i = 7; i >= 0; i--) {
            value = (value << 8) | (bytes[pos + i] & 0xffL);
        }
        pos += 8;
        return value;
    }

    double doubleValue() throws MalformedOtlp {
        return Double.longBitsToDouble(fixed64());
    }

    /** An int64 or enum field (varint). */
    long int64() throws MalformedOtlp {
        expect(VARINT);
        return varint();
    }

    /** A nested message, read by its own reader; this one moves past it. */
    ProtoReader message() throws MalformedOtlp {
        int length = length();
        ProtoReader inner = new ProtoReader(bytes, pos, pos + length);
        pos += length;
        return inner;
    }

    byte[] bytesValue() throws MalformedOtlp {
        int length = length();
        byte[] out = new byte[length];
        System.arraycopy(bytes, pos, out, 0, length);
        pos += length;
        return out;
    }

    /** A string field; protobuf strings are UTF-8, and a malformed one is refused rather than mangled. */
    String string() throws MalformedOtlp {
        int length = length();
        try {
            String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, pos, length)).toString();
            pos += length;
            return s;
        } catch (CharacterCodingException e) {
            throw new MalformedOtlp("a protobuf string is not valid UTF-8");
        }
    }

    void skip() throws MalformedOtlp {
        switch (wireType()) {
            case VARINT -> varint();
            case FIXED64 -> skipBytes(8);
            case LENGTH -> skipBytes(length());
            case FIXED32 -> skipBytes(4);
            default -> throw new MalformedOtlp("unsupported protobuf wire type " + wireType());
        }
    }

    private int length() throws MalformedOtlp {
        expect(LENGTH);
        long length = varint();
        if (length < 0 || length > limit - pos) {
            throw new MalformedOtlp("a protobuf length runs past the end of its message");
        }
        return (int) length;
    }

    private void skipBytes(int n) throws MalformedOtlp {
        need(n);
        pos += n;
    }

    private void need(int n) throws MalformedOtlp {
        if (limit - pos < n) {
            throw new MalformedOtlp("truncated protobuf field");
        }
    }

    private void expect(int wireType) throws MalformedOtlp {
        if (wireType() != wireType) {
            throw new MalformedOtlp("protobuf field " + field() + " has wire type " + wireType() + ", expected " + wireType);
        }
    }
}
