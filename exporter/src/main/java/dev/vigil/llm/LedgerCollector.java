package dev.vigil.llm;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

/**
 * Hands the ledger to the Prometheus registry at scrape time. The ledger is not a polled source: pushed
 * calls count at once, so a scrape right after a push sees it, and polled llm sources feed the same ledger.
 */
final class LedgerCollector implements MultiCollector {
    private final UsageLedger ledger;

    LedgerCollector(UsageLedger ledger) {
        this.ledger = ledger;
    }

    @Override
    public MetricSnapshots collect() {
        return new MetricSnapshots(ledger.snapshot());
    }
}
