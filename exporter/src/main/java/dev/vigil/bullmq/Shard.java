package dev.vigil.bullmq;

import dev.vigil.config.ShardConfig;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The queues one replica reads when several split a Redis's queues ({@code shard: I/N}). Each queue
 * belongs to exactly one shard, chosen from its prefix and name alone, so replicas agree without talking
 * to each other, and replicas of different Vigil versions agree too (ShardTest pins the assignment).
 *
 * <p>The name is hashed with 64-bit FNV-1a and the hash placed with jump consistent hashing (Lamping and
 * Veach, "A Fast, Minimal Memory, Consistent Hash Algorithm", 2014): going from N to N+1 shards moves only
 * the 1/(N+1) of queues that the new shard takes, so most queues keep their series on the same replica.
 */
final class Shard {
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private final ShardConfig config;

    Shard(ShardConfig config) {
        this.config = config;
    }

    boolean owns(QueueRef queue) {
        return !config.sharded() || of(queue, config.count()) == config.index();
    }

    /** The queues of this shard, sorted, from those discovered. */
    Set<QueueRef> select(Set<QueueRef> queues) {
        return config.sharded() ? queues.stream().filter(this::owns).collect(Collectors.toCollection(TreeSet::new)) : queues;
    }

    /** The shard, from 0 to {@code count - 1}, that reads {@code queue}. */
    static int of(QueueRef queue, int count) {
        return jump(fnv1a(queue.prefix() + ":" + queue.name()), count);
    }

    private static long fnv1a(String text) {
        long hash = FNV_OFFSET;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= FNV_PRIME;
        }
        return hash;
    }

    private static int jump(long key, int buckets) {
        long b = -1;
        long j = 0;
        while (j < buckets) {
            b = j;
            key = key * 2862933555777941757L + 1;
            j = (long) ((b + 1) * ((double) (1L << 31) / (double) ((key >>> 33) + 1)));
        }
        return (int) b;
    }
}
