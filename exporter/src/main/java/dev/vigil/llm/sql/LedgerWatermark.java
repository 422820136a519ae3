package dev.vigil.llm.sql;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * How far a ledger table has been read: the newest row time seen, and the ids of the rows within the
 * overlap behind it. Each poll reads again from {@code newest - overlap}, so a row written late (LiteLLM
 * writes a call's row when the call ends, stamped with its start) is still found, and skips the ids it
 * already counted. The ids remembered are bounded by the rows in one overlap window.
 */
final class LedgerWatermark {
    private final Duration overlap;
    private Instant newest;
    private final Map<String, Instant> seen = new HashMap<>();

    LedgerWatermark(Duration overlap) {
        this.overlap = overlap;
    }

    /** Rows from this time on are read; before the first row, everything. */
    Instant lowerBound() {
        return newest == null ? Instant.EPOCH : newest.minus(overlap);
    }

    /** Rows the next query will return again because they lie in the overlap. */
    int remembered() {
        return seen.size();
    }

    boolean counted(String id) {
        return seen.containsKey(id);
    }

    void count(String id, Instant time) {
        seen.put(id, time);
        if (newest == null || time.isAfter(newest)) {
            newest = time;
        }
    }

    /** Forgets the ids the next query can no longer return. */
    void trim() {
        Instant bound = lowerBound();
        seen.values().removeIf(t -> t.isBefore(bound));
    }

    Instant newest() {
        return newest;
    }
}
