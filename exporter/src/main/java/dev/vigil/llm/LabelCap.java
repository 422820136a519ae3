package dev.vigil.llm;

import java.util.HashSet;
import java.util.Set;

/**
 * Bounds the distinct values one label takes: the first {@code max} values seen keep their name, later
 * ones are reported as {@code other} and counted, so a runaway dimension (a model name per request, a
 * tenant id per user) cannot grow the series without end. Guarded by the ledger's lock.
 */
final class LabelCap {
    static final String OTHER = "other";

    private final String label;
    private final int max;
    private final Set<String> admitted = new HashSet<>();
    private long overflow;

    LabelCap(String label, int max) {
        this.label = label;
        this.max = max;
    }

    String label() {
        return label;
    }

    String admit(String value) {
        if (admitted.contains(value) || value.equals(OTHER) || value.isEmpty()) {
            return value;
        }
        if (admitted.size() < max) {
            admitted.add(value);
            return value;
        }
        overflow++;
        return OTHER;
    }

    /** Observations whose value was replaced by {@code other}. */
    long overflow() {
        return overflow;
    }
}
