package dev.vigil.llm.api;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * What has been counted of each bucket of a provider's report, so a bucket read again (the window overlaps
 * from poll to poll) moves the counters only by what it grew, and a revised bucket by the difference, never
 * twice. A revision downward is not subtracted: Prometheus counters only go up. Buckets older than the window
 * are forgotten, which bounds the memory by the window.
 */
final class RevisedBuckets {
    private final Map<String, Totals> counted = new HashMap<>();

    /** A bucket's cumulative numbers as the report gives them. */
    record Totals(Instant start, long input, long output, long cachedInput, long cacheWrite, long requests, BigDecimal costUsd) {
        static Totals tokens(Instant start, long input, long output, long cachedInput, long cacheWrite, long requests) {
            return new Totals(start, input, output, cachedInput, cacheWrite, requests, BigDecimal.ZERO);
        }

        static Totals cost(Instant start, BigDecimal usd) {
            return new Totals(start, 0, 0, 0, 0, 0, usd);
        }
    }

    /** How much the bucket grew since it was last counted; the growth is counted by this call. */
    Totals growth(String key, Totals now) {
        Totals before = counted.getOrDefault(key, new Totals(now.start(), 0, 0, 0, 0, 0, BigDecimal.ZERO));
        long input = Math.max(0, now.input() - before.input());
        // A revision may move tokens into the cached share without adding input: count what fits, keep the rest.
        long cached = Math.min(Math.max(0, now.cachedInput() - before.cachedInput()), input);
        long write = Math.min(Math.max(0, now.cacheWrite() - before.cacheWrite()), input - cached);
        BigDecimal cost = now.costUsd().subtract(before.costUsd()).max(BigDecimal.ZERO);
        Totals growth = new Totals(now.start(), input, Math.max(0, now.output() - before.output()), cached, write,
                Math.max(0, now.requests() - before.requests()), cost);
        counted.put(key, new Totals(now.start(), before.input() + growth.input(), before.output() + growth.output(),
                before.cachedInput() + cached, before.cacheWrite() + write, before.requests() + growth.requests(),
                before.costUsd().add(cost)));
        return growth;
    }

    void forgetBefore(Instant start) {
        counted.values().removeIf(t -> t.start().isBefore(start));
    }
}
