package dev.vigil.llm.redis;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Turns counters an application keeps (cumulative, reset when it deletes the hash or Redis loses it) into
 * increments. A value lower than the one counted so far means the counter started again from zero, so all
 * of it is new. Counters that vanished are forgotten, which bounds the memory by the keys read per poll.
 */
final class CounterReadings {
    private final Map<String, long[]> counted = new HashMap<>();

    /** How much each value grew since the last reading of this key (all of it for a key not seen before). */
    long[] growth(String key, long[] now) {
        long[] before = counted.get(key);
        long[] growth = new long[now.length];
        for (int i = 0; i < now.length; i++) {
            long last = before == null ? 0 : before[i];
            growth[i] = now[i] >= last ? now[i] - last : now[i];
        }
        return growth;
    }

    /** Records what was counted: up to the reading, or less when part of it is left for the next reading. */
    void counted(String key, long[] upTo) {
        counted.put(key, upTo.clone());
    }

    void keepOnly(Set<String> keys) {
        counted.keySet().retainAll(keys);
    }
}
