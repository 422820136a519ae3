package dev.vigil.llm;

import dev.vigil.config.LlmConfig;
import dev.vigil.llm.price.PriceTable;
import dev.vigil.poll.Histogram;
import dev.vigil.trace.TraceParent;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Every token, call and dollar Vigil has seen, in exact integers and decimals, keyed by bounded label sets.
 * Fed by the push endpoint (on the event loop) and by the polled sources (on their completion threads), read
 * by the scrape: every method holds the ledger's lock, and a batch is recorded whole or not at all.
 */
public final class UsageLedger {
    private static final Logger LOG = Logger.getLogger(UsageLedger.class.getName());
    /** Longer provider, model or attribution values are cut, so one label cannot bloat every scrape. */
    public static final int MAX_VALUE_LENGTH = 200;
    /** Distinct unpriced models named in the log; after that one line says the rest are not named. */
    private static final int MAX_UNPRICED_LOGGED = 100;
    private static final double[] DURATION_BUCKETS = {0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300};

    private final PriceTable prices;
    private final List<String> attribution;
    private final int maxSeries;
    private final LlmConfig.Budgets budgets;
    private final CalendarSpend spend;
    private final LabelCap providers;
    private final LabelCap models;
    private final Map<String, LabelCap> attributionCaps = new LinkedHashMap<>();
    private long seriesOverflow;
    /** provider, model, attribution values... */
    private final Map<List<String>, Usage> usage = new HashMap<>();
    /** provider, model, status. */
    private final Map<List<String>, long[]> requests = new HashMap<>();
    /** provider, model. */
    private final Map<List<String>, Histogram> durations = new HashMap<>();
    /** provider, model. */
    private final Map<List<String>, long[]> unpriced = new HashMap<>();
    private final Set<String> unpricedLogged = new HashSet<>();
    /** Batches recorded so far: with the calendar day, tells the scrape whether the families changed. */
    private long batches;

    /** Cumulative tokens and dollars of one label set; {@code priced} once any of its usage had a price. */
    private static final class Usage {
        long input;
        long output;
        long cachedInput;
        long cacheWrite;
        BigDecimal costUsd = BigDecimal.ZERO;
        boolean priced;
        /** The last pushed call that came with a sampled trace: its trace, tokens and cost, for exemplars. */
        TraceParent trace;
        Tokens traceTokens;
        BigDecimal traceCost;
        long traceMillis;

        LedgerView.Series view(List<String> key) {
            Optional<LedgerView.LastTrace> last = trace == null ? Optional.empty()
                    : Optional.of(new LedgerView.LastTrace(trace, traceTokens, Optional.ofNullable(traceCost), traceMillis));
            return new LedgerView.Series(key, input, output, cachedInput, cacheWrite, priced ? Optional.of(costUsd) : Optional.empty(), last);
        }

        void add(Tokens t, Optional<BigDecimal> cost) {
            input = saturated(input, t.input());
            output = saturated(output, t.output());
            cachedInput = saturated(cachedInput, t.cachedInput());
            cacheWrite = saturated(cacheWrite, t.cacheWrite());
            cost.ifPresent(c -> {
                costUsd = costUsd.add(c);
                priced = true;
            });
        }
    }

    public UsageLedger(LlmConfig config, PriceTable prices, Clock clock) {
        this.prices = prices;
        this.attribution = config.labels();
        this.maxSeries = config.maxSeries();
        this.budgets = config.budgets();
        this.spend = new CalendarSpend(clock, config.budgets().timezone());
        this.providers = new LabelCap("provider", config.maxLabelValues());
        this.models = new LabelCap("model", config.maxLabelValues());
        attribution.forEach(name -> attributionCaps.put(name, new LabelCap(name, config.maxLabelValues())));
    }

    public List<String> attributionLabels() {
        return attribution;
    }

    /** Adds the events; the caller has validated them, so a batch is never half counted. */
    public synchronized void record(List<UsageEvent> events) {
        record(events, Optional.empty());
    }

    /** Adds pushed events; the caller's sampled trace, if any, becomes the exemplar of what they moved. */
    public synchronized void record(List<UsageEvent> events, Optional<TraceParent> trace) {
        batches++;
        for (UsageEvent e : events) {
            recordOne(e, trace);
        }
    }

    private void recordOne(UsageEvent e, Optional<TraceParent> trace) {
        Optional<BigDecimal> cost = e.costUsd().isPresent() ? e.costUsd() : prices.cost(e);
        String provider = providers.admit(clean(e.provider()).toLowerCase(Locale.ROOT));
        String model = models.admit(clean(e.model()));
        List<String> byModel = List.of(provider, model);
        if (cost.isEmpty() && !e.tokens().isZero()) {
            long[] n = unpriced.computeIfAbsent(byModel, k -> new long[1]);
            n[0] = saturated(n[0], saturated(e.tokens().input(), e.tokens().output()));
            logUnpriced(provider, e.model());
        }
        Usage u = usage.computeIfAbsent(seriesKey(provider, model, e.labels()), k -> new Usage());
        u.add(e.tokens(), cost);
        trace.ifPresent(t -> {
            u.trace = t;
            u.traceTokens = e.tokens();
            u.traceCost = cost.orElse(null);
            u.traceMillis = System.currentTimeMillis();
        });
        if (e.requests() > 0) {
            long[] n = requests.computeIfAbsent(List.of(provider, model, e.status().label()), k -> new long[1]);
            n[0] = saturated(n[0], e.requests());
        }
        e.durationMillis().ifPresent(ms -> durations.computeIfAbsent(byModel, k -> new Histogram(DURATION_BUCKETS)).observeMillis(ms));
        cost.ifPresent(c -> e.time().ifPresent(t -> spend.add(t, c)));
    }

    private List<String> seriesKey(String provider, String model, Map<String, String> labels) {
        List<String> key = new ArrayList<>(2 + attribution.size());
        key.add(provider);
        key.add(model);
        for (String name : attribution) {
            String value = labels.get(name);
            key.add(attributionCaps.get(name).admit(value == null ? "" : cut(value)));
        }
        if (key.size() > 2 && !usage.containsKey(key) && usage.size() >= maxSeries) {
            // Provider and model stay (each is bounded); the combination with attribution is what can explode.
            seriesOverflow++;
            for (int i = 2; i < key.size(); i++) {
                key.set(i, LabelCap.OTHER);
            }
        }
        return key;
    }

    private void logUnpriced(String provider, String model) {
        if (unpricedLogged.size() > MAX_UNPRICED_LOGGED || !unpricedLogged.add(provider + "/" + model)) {
            return;
        }
        if (unpricedLogged.size() > MAX_UNPRICED_LOGGED) {
            LOG.warning("more than " + MAX_UNPRICED_LOGGED + " models have no price; further ones are not named here");
            return;
        }
        // Names come from applications and Redis keys: no control characters reach the log.
        String shown = cut(model).replaceAll("\\p{Cntrl}", "?");
        LOG.warning("llm: model '" + shown + "' of provider " + provider + " has no price: its tokens are counted"
                + " (llm_unpriced_tokens_total) but no dollars; add it to the file named by llm.prices_file");
    }

    /**
     * What the families depend on besides the recorded batches' content: equal versions give equal families. The
     * day is in it because the day's and month's spend start again at midnight with nothing recorded.
     */
    public synchronized Version version() {
        return new Version(batches, spend.dayEnd());
    }

    /** @see #version() */
    public record Version(long batches, java.time.Instant dayEnd) {
    }

    /** The families as they stand now, for the scrape: copied under the lock, rendered outside it. */
    public List<MetricSnapshot> snapshot() {
        return LedgerFamilies.of(view());
    }

    synchronized LedgerView view() {
        List<LedgerView.Series> series = new ArrayList<>(usage.size());
        usage.forEach((key, u) -> series.add(u.view(key)));
        Map<List<String>, Histogram.Snapshot> histograms = new HashMap<>();
        durations.forEach((key, h) -> histograms.put(key, h.snapshot()));
        Map<String, Long> overflow = new LinkedHashMap<>();
        overflow.put(providers.label(), providers.overflow());
        overflow.put(models.label(), models.overflow());
        attributionCaps.values().forEach(c -> overflow.put(c.label(), c.overflow()));
        overflow.put("series", seriesOverflow);
        LedgerView.Spend now = new LedgerView.Spend(spend.today(), spend.thisMonth(), spend.dayEnd(), spend.monthEnd());
        return new LedgerView(attribution, series, counts(requests), histograms, counts(unpriced), budgets, now, overflow);
    }

    private static Map<List<String>, Long> counts(Map<List<String>, long[]> counters) {
        Map<List<String>, Long> copy = new HashMap<>();
        counters.forEach((key, n) -> copy.put(key, n[0]));
        return copy;
    }

    private static String clean(String value) {
        return value == null || value.isBlank() ? "unknown" : cut(value.trim());
    }

    private static String cut(String value) {
        return value.length() > MAX_VALUE_LENGTH ? value.substring(0, MAX_VALUE_LENGTH) : value;
    }

    /** Counters must never wrap to negative, whatever a misbehaving source reports. */
    static long saturated(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }
}
