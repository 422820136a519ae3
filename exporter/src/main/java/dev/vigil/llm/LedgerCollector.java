package dev.vigil.llm;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

/**
 * Hands the ledger to the scrape. The ledger is not a polled source: pushed calls count at once, so a scrape
 * right after a push sees it, and polled llm sources feed the same ledger. While the ledger's version stays the
 * same, every call returns the same {@link MetricSnapshots} instance, so /metrics can keep what it rendered.
 */
final class LedgerCollector implements MultiCollector {
    private final UsageLedger ledger;
    private volatile Collected last;

    private record Collected(UsageLedger.Version version, MetricSnapshots snapshots) {
    }

    LedgerCollector(UsageLedger ledger) {
        this.ledger = ledger;
    }

    @Override
    public MetricSnapshots collect() {
        // The version is read before the families: a batch recorded in between only makes the next call build again.
        UsageLedger.Version version = ledger.version();
        Collected seen = last;
        if (seen != null && seen.version().equals(version)) {
            return seen.snapshots();
        }
        MetricSnapshots snapshots = new MetricSnapshots(ledger.snapshot());
        last = new Collected(version, snapshots);
        return snapshots;
    }
}
