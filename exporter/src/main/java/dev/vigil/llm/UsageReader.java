package dev.vigil.llm;

import io.vertx.core.Future;
import java.util.List;

/**
 * Reads what usage grew since its last read: new ledger rows, counters that went up, report buckets that
 * were added or revised. It remembers what it has read only once the read succeeds, so a failed poll is
 * simply read again, and nothing is counted twice.
 */
public interface UsageReader {
    Future<Reading> read();

    Future<Void> close();

    /** The growth found, and a short detail for the status page. */
    record Reading(List<UsageEvent> events, String detail) {
        public Reading {
            events = List.copyOf(events);
        }
    }
}
