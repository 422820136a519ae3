package dev.vigil.bullmq;

import dev.vigil.redis.Batch;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The state reads of many queues as one EVAL per {@link #QUEUES_PER_CALL} queues (read-queues.lua), instead of
 * about 14 commands per queue: the same keys looked up in the same order, so the figures and Vigil's own
 * keyspace lookups are those of the commands. Measured on a 2-core machine with Redis 7.0: Redis spends 26 µs
 * of CPU per queue in the script against 13 µs on the commands (10,000 queue reads each), while Vigil spends
 * about 36 µs less per queue (a settled 1,000-queue poll: 1.2 ms of CPU less, side by side); {@link #suits} says
 * when that is worth it. A call of 100 queues holds Redis for about 3 ms. The ends of the queues' events streams
 * are read the same way (stream-ends.lua). One per source: it keeps whether this Redis refused scripts.
 */
final class QueueScript {
    private static final Logger LOG = Logger.getLogger(QueueScript.class.getName());
    static final int QUEUES_PER_CALL = 100;
    /** Fields of one queue's reply before the job times: 8 counts, meta, two EXISTS, three ranges. */
    private static final int TIMES = JobState.values().length + 6;

    private static final byte[] READ_QUEUES = Batch.bulk(states() + text("read-queues.lua"));
    private static final byte[] STREAM_ENDS = Batch.bulk(text("stream-ends.lua"));

    private final String source;
    private String refusal;

    /** @param source the source, as log lines name it */
    QueueScript(String source) {
        this.source = source;
    }

    /**
     * Whether a step that reads {@code queues} queues should use a script: a call's worth of queues or more, or
     * queues never read before (a first poll), while this Redis has not refused scripts and is not a Cluster
     * (the scripts name their keys as they go, and a Cluster routes by declared keys).
     */
    boolean suits(int queues, boolean anyNew, boolean cluster) {
        return refusal == null && !cluster && queues > 0 && (queues >= QUEUES_PER_CALL || anyNew);
    }

    /**
     * An ACL without EVAL, a proxy that refuses it, a server that checks a script's keys (not memory pressure: Redis 7
     * over maxmemory still runs a read-only script): from now on this source reads with commands, which need only the
     * read commands' permissions.
     */
    void refused(String error) {
        if (refusal == null) {
            refusal = error;
            LOG.warning("source " + source + ": Redis refused Vigil's read-only script (" + error
                    + "); reading queue state with one command per key from now on");
        }
    }

    /** The script calls of one step: {@code call} of each {@link #QUEUES_PER_CALL} items, in their order. */
    static <T> List<Batch.Reply<List<Object>>> calls(List<T> items, Function<List<T>, Batch.Reply<List<Object>>> call) {
        List<Batch.Reply<List<Object>>> calls = new ArrayList<>();
        for (int from = 0; from < items.size(); from += QUEUES_PER_CALL) {
            calls.add(call.apply(items.subList(from, Math.min(items.size(), from + QUEUES_PER_CALL))));
        }
        return calls;
    }

    /**
     * Hands each item its part of the settled {@link #calls}' replies; the items of a call Redis refused go to
     * {@code refused} instead, and this source reads with commands from then on.
     */
    <T> void settle(List<Batch.Reply<List<Object>>> calls, List<T> items, BiConsumer<T, List<?>> reply, Consumer<T> refused) {
        for (int c = 0; c < calls.size(); c++) {
            Batch.Reply<List<Object>> call = calls.get(c);
            List<T> part = items.subList(c * QUEUES_PER_CALL, Math.min(items.size(), (c + 1) * QUEUES_PER_CALL));
            if (call.refused()) {
                refused(call.getError());
                part.forEach(refused);
                continue;
            }
            List<Object> replies = call.get();
            for (int i = 0; i < part.size(); i++) {
                reply.accept(part.get(i), (List<?>) replies.get(i));
            }
        }
    }

    /** One EVAL of stream-ends.lua over these streams' keys, each kept encoded by its caller. */
    static Batch.Reply<List<Object>> streamEnds(Batch batch, List<byte[]> keys) {
        return batch.eval(STREAM_ENDS, keys);
    }

    /** One stream's part of stream-ends.lua's reply. */
    static StreamInfo streamEnd(List<?> reply) {
        if ((Long) reply.get(0) == 0) {
            return StreamInfo.MISSING;
        }
        return new StreamInfo(true, StreamId.parse((String) reply.get(1)), (Long) reply.get(2));
    }

    /** One EVAL of these queues' state, all under {@code prefix}; each queue's argument is kept encoded by its KnownQueue. */
    static Batch.Reply<List<Object>> request(Batch batch, byte[] prefix, List<KnownQueue> queues) {
        List<byte[]> args = new ArrayList<>(queues.size() + 1);
        args.add(prefix);
        for (KnownQueue k : queues) {
            args.add(k.scriptArgument());
        }
        return batch.eval(READ_QUEUES, args);
    }

    /** One queue's part of the reply, in the layout read-queues.lua documents. */
    static KnownQueue.Read parse(List<?> reply) {
        long[] counts = new long[JobState.values().length];
        int found = 0;
        int missing = 0;
        for (int i = 0; i < counts.length; i++) {
            Long n = (Long) reply.get(i);
            counts[i] = n == null ? 0 : n;
            if (n == null || n > 0) {
                found++; // nil: WRONGTYPE, which Redis answers after finding the key
            } else {
                missing++;
            }
        }
        Long meta = (Long) reply.get(counts.length);
        found += meta == null || meta > 0 ? 1 : 0;
        missing += meta != null && meta == 0 ? 1 : 0;
        Long id = (Long) reply.get(counts.length + 1);
        Long legacyPaused = (Long) reply.get(counts.length + 2);
        for (Long exists : new Long[] {id, legacyPaused}) {
            if (exists != null && exists >= 0) {
                found += exists > 0 ? 1 : 0;
                missing += exists == 0 ? 1 : 0;
            }
        }
        List<List<String>> ranges = new ArrayList<>(3);
        for (int i = counts.length + 3; i < TIMES; i++) {
            List<String> range = strings(reply.get(i));
            ranges.add(range == null ? List.of() : range);
            found += range == null || !range.isEmpty() ? 1 : 0;
            missing += range != null && range.isEmpty() ? 1 : 0;
        }
        List<?> times = (List<?>) reply.get(TIMES);
        long[] readyAt = new long[times.size()];
        for (int i = 0; i < readyAt.length; i++) {
            List<String> fields = strings(times.get(i));
            boolean hit = fields == null || fields.stream().anyMatch(f -> f != null);
            found += hit ? 1 : 0;
            missing += hit ? 0 : 1;
            readyAt[i] = fields == null ? KnownQueue.NO_TIME : KnownQueue.readyAt(fields.get(0), fields.get(1));
        }
        String refusal = reply.size() > TIMES + 1 ? (String) reply.get(TIMES + 1) : null;
        return new KnownQueue.Read(counts, meta != null && meta > 0, meta != null && meta == 2, id != null && id > 0,
                legacyPaused != null && legacyPaused > 0, ranges.get(0), ranges.get(1), ranges.get(2), readyAt, refusal, found, missing);
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Object value) {
        return (List<String>) value;
    }

    /** STATES as the script reads it, from JobState, so the two cannot disagree on keys or order. */
    private static String states() {
        return Stream.of(JobState.values()).map(s -> "{'" + s.keySuffix + "', " + s.list + "}")
                .collect(Collectors.joining(", ", "local STATES = {", "}\n"));
    }

    static String text(String name) {
        try (InputStream in = QueueScript.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
