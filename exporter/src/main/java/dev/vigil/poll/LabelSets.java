package dev.vigil.poll;

import io.prometheus.metrics.model.snapshots.Labels;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link Labels} of every label-value tuple seen lately, per list of label names, shared by all families
 * with those names. Building a Labels validates each name (a new UTF-8 encoder per name), and a poll of a
 * thousand queues builds tens of thousands with the same values as the poll before: this builds each once.
 * Tuples nobody asked for in the last {@link #KEPT_FOR} to twice that are forgotten, so a deleted queue's
 * labels do not stay; sources polled less often than that simply build theirs again.
 */
final class LabelSets {
    static final long KEPT_FOR = java.util.concurrent.TimeUnit.MINUTES.toNanos(10);
    private static final Map<List<String>, LabelSets> BY_NAMES = new ConcurrentHashMap<>();

    private final String[] names;
    private Map<Values, Labels> recent = new HashMap<>();
    private Map<Values, Labels> older = new HashMap<>();
    private long rotatedAt = System.nanoTime();

    private LabelSets(String[] names) {
        this.names = names;
    }

    static LabelSets of(String[] names) {
        return BY_NAMES.computeIfAbsent(List.of(names), n -> new LabelSets(names.clone()));
    }

    /** The labels for these values (in the order of the names); an empty value leaves its label out. */
    synchronized Labels labels(String[] values) {
        Values key = new Values(values);
        Labels labels = recent.get(key);
        if (labels == null) {
            labels = older.remove(key);
            if (labels == null) {
                labels = build(values);
            }
            recent.put(new Values(values.clone()), labels);
        }
        long now = System.nanoTime();
        if (now - rotatedAt > KEPT_FOR) {
            older = recent;
            recent = new HashMap<>();
            rotatedAt = now;
        }
        return labels;
    }

    private Labels build(String[] values) {
        int present = 0;
        for (String v : values) {
            present += v.isEmpty() ? 0 : 1;
        }
        String[] n = new String[present];
        String[] v = new String[present];
        for (int i = 0, j = 0; i < values.length; i++) {
            if (!values[i].isEmpty()) {
                n[j] = names[i];
                v[j++] = values[i];
            }
        }
        return Labels.of(n, v);
    }

    /** A tuple of label values as a map key. */
    private record Values(String[] values) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Values other && Arrays.equals(values, other.values);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(values);
        }
    }
}
