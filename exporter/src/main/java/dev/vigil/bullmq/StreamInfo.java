package dev.vigil.bullmq;

import dev.vigil.redis.Batch;
import java.util.List;

/**
 * The parts of XINFO STREAM that {@link QueueCursor} uses; a missing stream reads as empty.
 *
 * @param entriesAdded entries ever added (Redis 7+), -1 where Redis does not report it
 */
record StreamInfo(boolean exists, StreamId lastGeneratedId, long entriesAdded) {
    static final StreamInfo MISSING = new StreamInfo(false, StreamId.ZERO, -1);

    static StreamInfo of(Batch.Reply<List<Object>> reply) {
        return reply.refused() ? MISSING : parse(reply.get()); // ERR no such key: no events yet
    }

    /** XINFO STREAM's reply: field names and values in turn. */
    static StreamInfo parse(List<Object> raw) {
        StreamId last = StreamId.ZERO;
        long added = -1;
        for (int i = 0; i + 1 < raw.size(); i += 2) {
            String field = String.valueOf(raw.get(i));
            if (field.equals("last-generated-id")) {
                last = StreamId.parse(String.valueOf(raw.get(i + 1)));
            } else if (field.equals("entries-added")) {
                added = ((Number) raw.get(i + 1)).longValue();
            }
        }
        return new StreamInfo(true, last, added);
    }
}
