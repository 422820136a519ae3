package dev.vigil.cache;

import java.math.BigDecimal;

/**
 * One counter the application keeps in Redis, made monotonic across polls. When the value goes down the
 * application has reset it (deleted or rewritten its hash), so what was counted before the reset is kept
 * and the new value added to it: Prometheus sees a counter that only grows, never a negative rate.
 * A reset followed by more counting than before, all between two polls, cannot be told from growth.
 */
final class MonotonicTotal {
    private BigDecimal last;
    private BigDecimal beforeResets = BigDecimal.ZERO;

    BigDecimal next(BigDecimal raw) {
        if (last != null && raw.compareTo(last) < 0) {
            beforeResets = beforeResets.add(last);
        }
        last = raw;
        return beforeResets.add(raw);
    }
}
