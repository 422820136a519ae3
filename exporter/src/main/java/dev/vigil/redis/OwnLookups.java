package dev.vigil.redis;

import io.lettuce.core.KeyValue;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;

/**
 * The keyspace lookups Vigil's own reads made on one Redis. Redis counts each key a read command looks up
 * in INFO's {@code keyspace_hits} (the key exists) or {@code keyspace_misses} (it does not), so Vigil's
 * polls are part of the hit rate a user watches; this count lets a recording rule take them out.
 *
 * <p>It is counted from the replies, one by one, because each reply shows whether Redis found the key:
 * Redis never keeps an empty list, sorted set or hash (it deletes the key with its last element), so a
 * length of 0 or an empty range means the key was missing, and {@code EXISTS} returns how many of its
 * keys it found. A {@code WRONGTYPE} error comes after the lookup found the key, so it is a hit. A command
 * whose reply never arrived (connection lost, timeout) is not counted: Redis may or may not have run it.
 * Commands that look up no key ({@code INFO}, {@code SCAN}, {@code TIME}, {@code CLIENT LIST},
 * {@code CONFIG GET}) are simply not passed here. Each rule is checked against a real Redis in
 * OwnLookupsIT.
 */
public final class OwnLookups implements MeterBinder {
    /** How a read command's reply shows whether Redis found its key. */
    public enum Reply {
        /** {@code LLEN}, {@code ZCARD}, {@code HLEN}: 0 exactly when the key is missing. */
        LENGTH,
        /** {@code LRANGE}, {@code ZRANGE}, {@code HGETALL}: empty exactly when the key is missing. */
        ELEMENTS,
        /** {@code GET}: nil exactly when the key is missing. */
        VALUE,
        /**
         * {@code HMGET}: a value for any field shows the key exists. All fields nil is counted as a miss,
         * which is wrong only for a hash that exists without any of the fields asked for; Vigil asks only
         * for fields that BullMQ and Bull always write (a job's {@code timestamp}).
         */
        FIELDS
    }

    private final String redis;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    public OwnLookups(String redis) {
        this.redis = redis;
    }

    /** Counts the lookup of one finished single-key read. */
    public void count(CompletionStage<?> reply, Reply kind) {
        CompletableFuture<?> done = reply.toCompletableFuture();
        if (RedisErrors.isWrongType(done)) {
            hits.increment();
        } else if (!done.isCompletedExceptionally()) {
            (found(done.join(), kind) ? hits : misses).increment();
        }
    }

    /** Counts the lookup of one single-key read of a settled batch, by the same rules. */
    public void count(Batch.Reply<?> reply, Reply kind) {
        if (reply.wrongType()) {
            hits.increment();
        } else if (!reply.refused()) {
            (found(reply.get(), kind) ? hits : misses).increment();
        }
    }

    /** Counts an {@code XINFO STREAM} of a settled batch: refused ("no such key") exactly when it is a miss. */
    public void countStreamInfo(Batch.Reply<?> reply) {
        (reply.refused() ? misses : hits).increment();
    }

    /** Counts an {@code EXISTS} of one key in a settled batch. */
    public void countExists(Batch.Reply<Long> reply) {
        if (!reply.refused()) {
            (reply.get() > 0 ? hits : misses).increment();
        }
    }

    /**
     * Counts a non-blocking {@code XREAD} of one stream, alone or among others in one XREAD. Redis (6.2 and 7,
     * measured) looks each key up twice, once while parsing the id and once to read, so it is two hits or two
     * misses per stream.
     */
    public void countStreamRead(boolean streamExists) {
        (streamExists ? hits : misses).add(2);
    }

    /** Counts lookups a script made, tallied by the caller from its reply by the rules above. */
    public void add(long found, long missing) {
        hits.add(found);
        misses.add(missing);
    }

    public long hits() {
        return hits.sum();
    }

    public long misses() {
        return misses.sum();
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        String help = "Keyspace lookups Vigil's own reads made on this Redis, included in its keyspace_hits/misses; "
                + "counted from each reply (LLEN 0, empty LRANGE/HGETALL, nil GET and EXISTS' count mean a miss)";
        FunctionCounter.builder("vigil.redis.own.lookups", hits, LongAdder::doubleValue)
                .description(help).tags("redis", redis, "result", "hit").register(registry);
        FunctionCounter.builder("vigil.redis.own.lookups", misses, LongAdder::doubleValue)
                .description(help).tags("redis", redis, "result", "miss").register(registry);
    }

    private static boolean found(Object value, Reply kind) {
        return switch (kind) {
            case LENGTH -> ((Number) value).longValue() > 0;
            case ELEMENTS -> value instanceof Map<?, ?> m ? !m.isEmpty() : !((Collection<?>) value).isEmpty();
            case VALUE -> value != null;
            case FIELDS -> ((List<?>) value).stream().anyMatch(v -> v instanceof KeyValue<?, ?> kv ? kv.hasValue() : v != null);
        };
    }
}
