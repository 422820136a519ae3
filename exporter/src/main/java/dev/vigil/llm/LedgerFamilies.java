package dev.vigil.llm;

import dev.vigil.poll.FamilyBuilder;
import io.prometheus.metrics.model.snapshots.Exemplar;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * The llm families, defined once, rendered from an immutable view of the ledger. Names and meanings follow the
 * OpenTelemetry GenAI conventions where they overlap (see the README's mapping table): {@code provider} is
 * {@code gen_ai.provider.name}, {@code model} is {@code gen_ai.request.model} (or the response model where the
 * source reports that), {@code type} is {@code gen_ai.token.type}.
 */
final class LedgerFamilies {
    private static final String FROM = "from pushed calls, Redis counters, SQL ledgers and provider usage reports";

    private LedgerFamilies() {
    }

    /** The pushed call's trace as an exemplar of a counter it moved (none for a counter it did not move). */
    private static Exemplar exemplar(Optional<LedgerView.LastTrace> trace, ToDoubleFunction<LedgerView.LastTrace> increment) {
        if (trace.isEmpty() || increment.applyAsDouble(trace.get()) <= 0) {
            return null;
        }
        LedgerView.LastTrace t = trace.get();
        return new Exemplar(increment.applyAsDouble(t), Labels.of(Exemplar.TRACE_ID, t.parent().traceId(), Exemplar.SPAN_ID, t.parent().spanId()),
                t.epochMillis());
    }

    static List<MetricSnapshot> of(LedgerView ledger) {
        List<String> attribution = ledger.attribution();
        String[] tokenLabels = labels(List.of("provider", "model", "type"), attribution);
        String[] costLabels = labels(List.of("provider", "model"), attribution);
        FamilyBuilder tokens = FamilyBuilder.counter("llm_tokens",
                "Tokens used, " + FROM + "; type input counts all input tokens, cached_input and cache_write are parts of it", tokenLabels);
        FamilyBuilder cost = FamilyBuilder.counter("llm_cost_usd",
                "US dollars spent: the source's own cost where it gives one, else tokens times the price table; exact sums", costLabels);
        for (LedgerView.Series u : ledger.series()) {
            List<String> key = u.key();
            tokens.add(u.input(), exemplar(u.trace(), t -> t.tokens().input()), tokenValues(key, "input"));
            tokens.add(u.output(), exemplar(u.trace(), t -> t.tokens().output()), tokenValues(key, "output"));
            tokens.add(u.cachedInput(), exemplar(u.trace(), t -> t.tokens().cachedInput()), tokenValues(key, "cached_input"));
            tokens.add(u.cacheWrite(), exemplar(u.trace(), t -> t.tokens().cacheWrite()), tokenValues(key, "cache_write"));
            u.costUsd().ifPresent(usd -> cost.add(usd.doubleValue(),
                    exemplar(u.trace(), t -> t.costUsd().map(BigDecimal::doubleValue).orElse(0.0)), key.toArray(String[]::new)));
        }
        List<MetricSnapshot> out = new ArrayList<>(List.of(tokens.build(), cost.build()));
        out.addAll(perModel(ledger));
        out.addAll(budgets(ledger));
        out.add(overflow(ledger));
        return out;
    }

    private static List<MetricSnapshot> perModel(LedgerView ledger) {
        FamilyBuilder requests = FamilyBuilder.counter("llm_requests",
                "Calls to the provider by how they ended (ok, error, rate_limited), " + FROM, "provider", "model", "status");
        ledger.requests().forEach((key, n) -> requests.add(n, key.toArray(String[]::new)));
        FamilyBuilder duration = FamilyBuilder.histogram("llm_request_duration_seconds",
                "Time calls took where the source knows it (pushed duration_ms, SQL ledger durations)", "provider", "model");
        ledger.durations().forEach((key, h) -> duration.add(h, key.toArray(String[]::new)));
        FamilyBuilder unpriced = FamilyBuilder.counter("llm_unpriced_tokens",
                "Input plus output tokens of models with no price and no cost from the source: add them to llm.prices_file",
                "provider", "model");
        ledger.unpriced().forEach((key, n) -> unpriced.add(n, key.toArray(String[]::new)));
        return List.of(requests.build(), duration.build(), unpriced.build());
    }

    private static List<MetricSnapshot> budgets(LedgerView ledger) {
        FamilyBuilder budget = FamilyBuilder.gauge("llm_budget_usd",
                "Budget in US dollars for the calendar period, from llm.budgets", "period");
        ledger.budgets().dailyUsd().ifPresent(d -> budget.add(d.doubleValue(), "day"));
        ledger.budgets().monthlyUsd().ifPresent(m -> budget.add(m.doubleValue(), "month"));
        FamilyBuilder spend = FamilyBuilder.gauge("llm_spend_usd",
                "US dollars spent so far in the current calendar day or month of llm.budgets.timezone, by when the usage happened",
                "period");
        spend.add(ledger.spend().today().doubleValue(), "day");
        spend.add(ledger.spend().thisMonth().doubleValue(), "month");
        // With time() in a rule, projects the spend to the period's end without calendar arithmetic in PromQL.
        FamilyBuilder end = FamilyBuilder.gauge("llm_budget_period_end_timestamp_seconds",
                "Unix time the current calendar day or month of llm.budgets.timezone ends (its next midnight there)", "period");
        end.add(ledger.spend().dayEnd().getEpochSecond(), "day");
        end.add(ledger.spend().monthEnd().getEpochSecond(), "month");
        return List.of(budget.build(), spend.build(), end.build());
    }

    private static MetricSnapshot overflow(LedgerView ledger) {
        FamilyBuilder overflow = FamilyBuilder.counter("vigil_labels_overflow",
                "Observations whose label value was reported as 'other' because the label reached its bound of distinct values"
                        + " (label=\"series\": the bound of label sets)", "label");
        ledger.overflow().forEach((label, n) -> overflow.add(n, label));
        return overflow.build();
    }

    private static String[] labels(List<String> fixed, List<String> attribution) {
        List<String> all = new ArrayList<>(fixed);
        all.addAll(attribution);
        return all.toArray(String[]::new);
    }

    private static String[] tokenValues(List<String> key, String type) {
        List<String> values = new ArrayList<>(key.size() + 1);
        values.add(key.get(0));
        values.add(key.get(1));
        values.add(type);
        values.addAll(key.subList(2, key.size()));
        return values.toArray(String[]::new);
    }
}
