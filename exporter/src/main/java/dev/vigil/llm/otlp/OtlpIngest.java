package dev.vigil.llm.otlp;

import dev.vigil.config.LlmOtlpConfig;
import dev.vigil.config.LlmOtlpConfig.TokenMetrics;
import dev.vigil.llm.RequestStatus;
import dev.vigil.llm.Tokens;
import dev.vigil.llm.UsageEvent;
import dev.vigil.llm.UsageLedger;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Turns decoded OTLP spans and token-usage points into usage events for the ledger, and decides which of a
 * sender's two records of the same calls counts (see {@link TokenMetrics}). Requests arrive on the event
 * loop; the lock keeps a request's decisions and the counters of what was taken in consistent.
 */
public final class OtlpIngest {
    /** Senders remembered as sending spans, and cumulative series followed; beyond this the oldest are forgotten. */
    static final int MAX_TRACKED = 10_000;

    /** What an export request added: rejected spans or points, and the first reason, for OTLP's partial success. */
    record Outcome(long rejected, String message) {
    }

    private final LlmOtlpConfig config;
    private final UsageLedger ledger;
    private final Clock clock;
    private final TokenUsageSeries series;
    private final Map<String, Boolean> spanSenders = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > MAX_TRACKED;
        }
    };
    private long requests;
    final OtlpCounters counters = new OtlpCounters();

    public OtlpIngest(LlmOtlpConfig config, UsageLedger ledger, Clock clock) {
        this.config = config;
        this.ledger = ledger;
        this.clock = clock;
        Instant now = clock.instant();
        this.series = new TokenUsageSeries(now.getEpochSecond() * 1_000_000_000L + now.getNano(), MAX_TRACKED);
    }

    synchronized Outcome spans(List<OtlpSpan> spans) {
        Instant now = clock.instant();
        Rejections rejections = new Rejections();
        for (OtlpSpan span : spans) {
            Optional<GenAiSpan> call;
            try {
                call = GenAiSpan.of(span, config.labelAttributes(), now);
            } catch (IllegalArgumentException e) {
                rejections.add(OtlpCounters.TRACES, "bad_usage", "span " + span.spanId() + ": " + e.getMessage());
                continue;
            }
            if (call.isEmpty() || config.tokenMetrics() == TokenMetrics.ONLY) {
                counters.received(OtlpCounters.TRACES, "ignored");
                continue;
            }
            spanSenders.put(sender(span.resource()), Boolean.TRUE);
            // Each span is its own call in its own trace: its exemplar is itself.
            ledger.record(List.of(call.get().event()), Optional.of(call.get().trace()));
            counters.received(OtlpCounters.TRACES, "usage");
        }
        return rejections.outcome();
    }

    synchronized Outcome points(List<TokenPoint> points) {
        Instant now = clock.instant();
        long request = ++requests;
        Rejections rejections = new Rejections();
        for (TokenPoint p : points) {
            String type = p.attributes().string("gen_ai.token.type").orElse("");
            if (!type.equals("input") && !type.equals("output") || ignored(p)) {
                counters.received(OtlpCounters.METRICS, "ignored");
                continue;
            }
            if (p.temporality() != TokenPoint.DELTA && p.temporality() != TokenPoint.CUMULATIVE) {
                rejections.add(OtlpCounters.METRICS, "no_temporality", "aggregation temporality " + p.temporality() + " is neither delta (1) nor cumulative (2)");
                continue;
            }
            OptionalLong tokens = wholeTokens(p.sum());
            if (tokens.isEmpty()) {
                rejections.add(OtlpCounters.METRICS, "bad_usage", "sum " + p.sum() + " is not a whole number of tokens");
                continue;
            }
            if (p.count() < 0) {
                // count is a uint64 read into a long: beyond 2^63 - 1 it reads negative.
                rejections.add(OtlpCounters.METRICS, "bad_usage",
                        "count " + Long.toUnsignedString(p.count()) + " is more calls than a signed 64-bit counter holds");
                continue;
            }
            TokenUsageSeries.Increase inc = series.increase(p, tokens.getAsLong(), request);
            if (inc.regressed()) {
                rejections.add(OtlpCounters.METRICS, "regressed", "a cumulative sum went down without a new start time");
                continue;
            }
            ledger.record(List.of(event(p, type.equals("input"), inc, now)));
            counters.received(OtlpCounters.METRICS, "usage");
        }
        return rejections.outcome();
    }

    synchronized void refused(String signal, int status) {
        counters.refused(signal, status);
    }

    /** The self metrics of the OTLP endpoints, for the scrape. */
    public io.prometheus.metrics.model.registry.MultiCollector collector() {
        return () -> {
            synchronized (this) {
                return counters.snapshots();
            }
        };
    }

    private boolean ignored(TokenPoint p) {
        return switch (config.tokenMetrics()) {
            case IGNORE -> true;
            case ONLY -> false;
            case UNLESS_SPANS -> spanSenders.containsKey(sender(p.resource()));
        };
    }

    private UsageEvent event(TokenPoint p, boolean input, TokenUsageSeries.Increase inc, Instant now) {
        Attributes a = p.attributes();
        Tokens tokens = input ? new Tokens(inc.tokens(), 0, 0, 0) : new Tokens(0, inc.tokens(), 0, 0);
        // Each call records one input and one output point: its input points are the calls.
        long calls = input ? inc.calls() : 0;
        RequestStatus status = a.has("error.type") ? RequestStatus.ERROR : RequestStatus.OK;
        return new UsageEvent(GenAiSpan.provider(a), GenAiSpan.model(a), tokens, calls, status, OptionalLong.empty(), Optional.empty(),
                GenAiSpan.labels(a, p.resource(), config.labelAttributes()), Optional.of(now));
    }

    /** A sender as the double-count rule knows it: its service.name and service.instance.id. */
    private static String sender(Attributes resource) {
        return resource.text("service.name").orElse("") + "\n" + resource.text("service.instance.id").orElse("");
    }

    private static OptionalLong wholeTokens(double sum) {
        return sum >= 0 && sum < 0x1p53 && sum == Math.rint(sum) ? OptionalLong.of((long) sum) : OptionalLong.empty();
    }

    /** The rejections of one request: counted by reason, the first message kept for the answer. */
    private final class Rejections {
        private long count;
        private String first = "";

        void add(String signal, String reason, String message) {
            counters.rejected(signal, reason);
            if (count++ == 0) {
                first = message;
            }
        }

        Outcome outcome() {
            return new Outcome(count, count == 0 ? "" : count + " rejected; the first: " + first);
        }
    }
}
