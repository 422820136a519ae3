package dev.vigil.llm.api;

import dev.vigil.config.LlmApiConfig;
import dev.vigil.llm.RequestStatus;
import dev.vigil.llm.Tokens;
import dev.vigil.llm.UsageEvent;
import dev.vigil.llm.UsageReader;
import dev.vigil.poll.PollErrorReason;
import dev.vigil.poll.PollException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Anthropic's usage report (messages, grouped by model, daily buckets) and cost report (grouped by
 * description, which names the model), read with an admin key. The usage report's input is split into
 * uncached, cache-read and cache-write tokens, added up into Vigil's all-input convention; its cost amounts
 * are decimal strings in cents. The usage report counts no requests. See
 * https://docs.anthropic.com/en/api/usage-cost-api.
 */
public final class AnthropicUsageReader implements UsageReader {
    private static final String PROVIDER = "anthropic";
    private static final String VERSION = "2023-06-01";

    private final LlmApiConfig config;
    private final ReportPages pages;
    private final ReportWindow window;
    private final RevisedBuckets buckets = new RevisedBuckets();

    public AnthropicUsageReader(LlmApiConfig config, Vertx vertx, Clock clock) {
        this.config = config;
        this.pages = new ReportPages(vertx, config.timeout(), "x-api-key", config.adminKey().value(), "anthropic-version", VERSION);
        this.window = new ReportWindow(clock, config.revisionWindow());
    }

    @Override
    public Future<Reading> read() {
        Instant start = window.next();
        Future<List<JsonObject>> usage = fetch("/v1/organizations/usage_report/messages", start, "&bucket_width=1d&group_by[]=model");
        Future<List<JsonObject>> costs = config.costs()
                ? fetch("/v1/organizations/cost_report", start, "&group_by[]=description") : Future.succeededFuture(List.of());
        return Future.all(usage, costs).map(all -> {
            List<UsageEvent> events = new ArrayList<>(usage(usage.result()));
            events.addAll(costs(costs.result()));
            buckets.forgetBefore(start);
            window.read(); // only now: a failed first poll must ask for the whole month again
            return new Reading(events, "buckets from " + start);
        });
    }

    private Future<List<JsonObject>> fetch(String path, Instant start, String grouping) {
        String query = "?starting_at=" + start + "&limit=31" + grouping.replace("[]", "%5B%5D");
        return pages.buckets(URI.create(config.baseUrl() + path + query),
                next -> URI.create(config.baseUrl() + path + query + "&page=" + URLEncoder.encode(next, StandardCharsets.UTF_8)));
    }

    private List<UsageEvent> usage(List<JsonObject> report) {
        List<UsageEvent> events = new ArrayList<>();
        ReportWindow.forEachResult(report, AnthropicUsageReader::startOf, (start, result) -> {
            JsonObject creation = result.getValue("cache_creation") instanceof JsonObject c ? c : null;
            long cacheWrite = ReportWindow.whole(creation, "ephemeral_5m_input_tokens") + ReportWindow.whole(creation, "ephemeral_1h_input_tokens");
            Tokens all = Tokens.fromAnthropic(ReportWindow.whole(result, "uncached_input_tokens"), ReportWindow.whole(result, "output_tokens"),
                    ReportWindow.whole(result, "cache_read_input_tokens"), cacheWrite);
            RevisedBuckets.Totals grown = buckets.growth(ReportWindow.identity("usage", start, result),
                    RevisedBuckets.Totals.tokens(start, all.input(), all.output(), all.cachedInput(), all.cacheWrite(), 0));
            Tokens tokens = new Tokens(grown.input(), grown.output(), grown.cachedInput(), grown.cacheWrite());
            if (!tokens.isZero()) {
                Optional<BigDecimal> cost = config.costs() ? Optional.of(BigDecimal.ZERO) : Optional.empty();
                events.add(UsageEvent.counted(PROVIDER, result.getString("model", "unknown"), tokens, 0, RequestStatus.OK,
                        cost, Map.of(), Optional.of(start)));
            }
        });
        return events;
    }

    private List<UsageEvent> costs(List<JsonObject> report) {
        List<UsageEvent> events = new ArrayList<>();
        ReportWindow.forEachResult(report, AnthropicUsageReader::startOf, (start, result) -> {
            RevisedBuckets.Totals grown = buckets.growth(ReportWindow.identity("cost", start, result, "amount"),
                    RevisedBuckets.Totals.cost(start, dollars(result)));
            if (grown.costUsd().signum() > 0) {
                String model = result.getValue("model") instanceof String m ? m : result.getString("description", "unknown");
                events.add(UsageEvent.counted(PROVIDER, model, Tokens.NONE, 0, RequestStatus.OK, Optional.of(grown.costUsd()),
                        Map.of(), Optional.of(start)));
            }
        });
        return events;
    }

    /** "Cost amount in lowest currency units (e.g. cents) as a decimal string": "123.45" USD is $1.2345. */
    private static BigDecimal dollars(JsonObject result) {
        Object amount = result.getValue("amount");
        String currency = result.getString("currency", "USD");
        try {
            if (!currency.equalsIgnoreCase("USD")) {
                throw new NumberFormatException("currency " + currency);
            }
            return new BigDecimal(String.valueOf(amount)).movePointLeft(2);
        } catch (NumberFormatException e) {
            throw new PollException(PollErrorReason.DATA, "cost_report: cannot read amount " + amount + " " + currency, e);
        }
    }

    private static Instant startOf(JsonObject bucket) {
        try {
            return Instant.parse(bucket.getString("starting_at"));
        } catch (RuntimeException e) {
            throw new PollException(PollErrorReason.DATA, "usage report bucket without a valid starting_at: " + bucket.getValue("starting_at"), e);
        }
    }

    @Override
    public Future<Void> close() {
        return Future.succeededFuture();
    }
}
