package dev.vigil.llm.otlp;

import dev.vigil.poll.FamilyBuilder;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What the OTLP endpoints took in, left out, rejected and refused; guarded by the ingest's lock. */
final class OtlpCounters {
    static final String TRACES = "traces";
    static final String METRICS = "metrics";

    /** signal, outcome: usage | ignored. */
    private final Map<String, long[]> received = new TreeMap<>();
    /** signal, reason: a bounded set named in the code. */
    private final Map<String, long[]> rejected = new TreeMap<>();
    /** signal, HTTP status. */
    private final Map<String, long[]> refused = new TreeMap<>();

    /** Every series starts at zero, so the families show as soon as OTLP is on and rate() sees the first ones. */
    OtlpCounters() {
        for (String signal : List.of(TRACES, METRICS)) {
            List.of("usage", "ignored").forEach(outcome -> received.put(signal + " " + outcome, new long[1]));
            List.of(400, 401, 403, 413, 415).forEach(status -> refused.put(signal + " " + status, new long[1]));
        }
        rejected.put(TRACES + " bad_usage", new long[1]);
        List.of("bad_usage", "regressed", "no_temporality").forEach(reason -> rejected.put(METRICS + " " + reason, new long[1]));
    }

    void received(String signal, String outcome) {
        received.computeIfAbsent(signal + " " + outcome, k -> new long[1])[0]++;
    }

    void rejected(String signal, String reason) {
        rejected.computeIfAbsent(signal + " " + reason, k -> new long[1])[0]++;
    }

    void refused(String signal, int status) {
        refused.computeIfAbsent(signal + " " + status, k -> new long[1])[0]++;
    }

    MetricSnapshots snapshots() {
        FamilyBuilder in = FamilyBuilder.counter("llm_otlp_received",
                "Spans and token-usage data points taken in on /v1/traces and /v1/metrics: outcome=usage became usage,"
                        + " ignored carried none or was left out by llm.otlp.token_metrics", "signal", "outcome");
        FamilyBuilder bad = FamilyBuilder.counter("llm_otlp_rejected",
                "Spans and token-usage data points rejected in OTLP's partial success: bad_usage (token counts that are not"
                        + " whole numbers from 0 up, call counts beyond 2^63 - 1), regressed (a cumulative sum went down), no_temporality", "signal", "reason");
        FamilyBuilder whole = FamilyBuilder.counter("llm_otlp_refused_requests",
                "OTLP export requests refused whole, by HTTP status (400 undecodable, 401/403 token, 413 too large, 415 media type)",
                "signal", "status");
        add(in, received);
        add(bad, rejected);
        add(whole, refused);
        return new MetricSnapshots(in.build(), bad.build(), whole.build());
    }

    private static void add(FamilyBuilder family, Map<String, long[]> counts) {
        counts.forEach((key, n) -> family.add(n[0], key.split(" ", 2)));
    }
}
