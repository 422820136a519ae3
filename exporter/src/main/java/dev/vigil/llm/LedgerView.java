package dev.vigil.llm;

import dev.vigil.config.LlmConfig;
import dev.vigil.poll.Histogram;
import dev.vigil.trace.TraceParent;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The ledger as it stood at one moment, copied under its lock: immutable, so rendering the families shares no
 * state with recording and holds no lock.
 *
 * @param series    cumulative tokens and dollars per label set (provider, model, attribution values...)
 * @param requests  calls per provider, model and status
 * @param durations call durations per provider and model
 * @param unpriced  input plus output tokens of models with no price, per provider and model
 * @param overflow  observations reported as {@code other}, per label ({@code series}: the bound of label sets)
 */
record LedgerView(List<String> attribution, List<Series> series, Map<List<String>, Long> requests,
                  Map<List<String>, Histogram.Snapshot> durations, Map<List<String>, Long> unpriced,
                  LlmConfig.Budgets budgets, Spend spend, Map<String, Long> overflow) {
    LedgerView {
        attribution = List.copyOf(attribution);
        series = List.copyOf(series);
        requests = Map.copyOf(requests);
        durations = Map.copyOf(durations);
        unpriced = Map.copyOf(unpriced);
        overflow = Collections.unmodifiableMap(new LinkedHashMap<>(overflow)); // in label order, for a stable exposition
    }

    /**
     * One label set's totals, saturated rather than wrapped (so not a {@link Tokens}, whose checks a saturated sum
     * could fail); {@code costUsd} is empty until some of its usage had a price.
     */
    record Series(List<String> key, long input, long output, long cachedInput, long cacheWrite, Optional<BigDecimal> costUsd,
                  Optional<LastTrace> trace) {
        Series {
            key = List.copyOf(key);
        }
    }

    /** The last pushed call with a sampled trace: what it moved, for exemplars. */
    record LastTrace(TraceParent parent, Tokens tokens, Optional<BigDecimal> costUsd, long epochMillis) {
    }

    /** Spend in the current calendar day and month of the budgets' time zone, and when each ends. */
    record Spend(BigDecimal today, BigDecimal thisMonth, Instant dayEnd, Instant monthEnd) {
    }
}
