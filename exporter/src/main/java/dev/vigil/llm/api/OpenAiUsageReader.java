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
 * OpenAI's organization usage (completions and embeddings, grouped by model, daily buckets) and costs
 * (grouped by line item) endpoints, read with an admin key. Tokens and requests come from usage; dollars
 * from costs (the bill), attributed to the model named in each line item ({@code gpt-4o-mini-2024-07-18, input}).
 * See https://platform.openai.com/docs/api-reference/usage.
 */
public final class OpenAiUsageReader implements UsageReader {
    private static final String PROVIDER = "openai";
    private static final List<String> USAGE = List.of("completions", "embeddings");

    private final LlmApiConfig config;
    private final ReportPages pages;
    private final ReportWindow window;
    private final RevisedBuckets buckets = new RevisedBuckets();

    public OpenAiUsageReader(LlmApiConfig config, Vertx vertx, Clock clock) {
        this.config = config;
        this.pages = new ReportPages(vertx, config.timeout(), "Authorization", "Bearer " + config.adminKey().value());
        this.window = new ReportWindow(clock, config.revisionWindow());
    }

    @Override
    public Future<Reading> read() {
        Instant start = window.next();
        List<Future<List<JsonObject>>> reports = new ArrayList<>();
        for (String kind : USAGE) {
            reports.add(fetch("/v1/organization/usage/" + kind, start, "&group_by=model"));
        }
        if (config.costs()) {
            reports.add(fetch("/v1/organization/costs", start, "&group_by=line_item"));
        }
        return Future.all(reports).map(all -> {
            List<UsageEvent> events = new ArrayList<>();
            for (int i = 0; i < reports.size(); i++) {
                List<JsonObject> report = all.resultAt(i);
                events.addAll(i < USAGE.size() ? usage(USAGE.get(i), report) : costs(report));
            }
            buckets.forgetBefore(start);
            window.read(); // only now: a failed first poll must ask for the whole month again
            return new Reading(events, "buckets from " + start);
        });
    }

    private Future<List<JsonObject>> fetch(String path, Instant start, String grouping) {
        String query = "?start_time=" + start.getEpochSecond() + "&bucket_width=1d&limit=31" + grouping;
        URI first = URI.create(config.baseUrl() + path + query);
        return pages.buckets(first, next -> URI.create(config.baseUrl() + path + query + "&page=" + URLEncoder.encode(next, StandardCharsets.UTF_8)));
    }

    private List<UsageEvent> usage(String kind, List<JsonObject> report) {
        List<UsageEvent> events = new ArrayList<>();
        ReportWindow.forEachResult(report, OpenAiUsageReader::startOf, (start, result) -> {
            RevisedBuckets.Totals grown = buckets.growth(ReportWindow.identity(kind, start, result), RevisedBuckets.Totals.tokens(start,
                    ReportWindow.whole(result, "input_tokens"), ReportWindow.whole(result, "output_tokens"),
                    ReportWindow.whole(result, "input_cached_tokens"), 0, ReportWindow.whole(result, "num_model_requests")));
            Tokens tokens = new Tokens(grown.input(), grown.output(), grown.cachedInput(), 0);
            if (!tokens.isZero() || grown.requests() > 0) {
                // With costs read from the bill, tokens carry no price of their own.
                Optional<BigDecimal> cost = config.costs() ? Optional.of(BigDecimal.ZERO) : Optional.empty();
                events.add(UsageEvent.counted(PROVIDER, result.getString("model", "unknown"), tokens, grown.requests(),
                        RequestStatus.OK, cost, Map.of(), Optional.of(start)));
            }
        });
        return events;
    }

    private List<UsageEvent> costs(List<JsonObject> report) {
        List<UsageEvent> events = new ArrayList<>();
        ReportWindow.forEachResult(report, OpenAiUsageReader::startOf, (start, result) -> {
            if (result.getValue("amount") instanceof JsonObject amount) {
                RevisedBuckets.Totals grown = buckets.growth(ReportWindow.identity("costs", start, result),
                        RevisedBuckets.Totals.cost(start, dollars(amount)));
                if (grown.costUsd().signum() > 0) {
                    events.add(UsageEvent.counted(PROVIDER, modelOf(result.getString("line_item")), Tokens.NONE, 0,
                            RequestStatus.OK, Optional.of(grown.costUsd()), Map.of(), Optional.of(start)));
                }
            }
        });
        return events;
    }

    private static Instant startOf(JsonObject bucket) {
        return Instant.ofEpochSecond(bucket.getLong("start_time", 0L));
    }

    /** {@code amount.value} is a number in the documented example and a decimal string in real answers. */
    private static BigDecimal dollars(JsonObject amount) {
        String currency = amount.getString("currency", "usd");
        Object value = amount.getValue("value");
        try {
            if (!currency.equalsIgnoreCase("usd")) {
                throw new NumberFormatException("currency " + currency);
            }
            return value instanceof Double d ? BigDecimal.valueOf(d) : new BigDecimal(String.valueOf(value));
        } catch (NumberFormatException e) {
            throw new PollException(PollErrorReason.DATA, "costs: cannot read amount " + amount.encode(), e);
        }
    }

    /** {@code gpt-4o-mini-2024-07-18, input} and {@code evals | gpt-4o-mini-2024-07-18, input} are gpt-4o-mini-2024-07-18. */
    static String modelOf(String lineItem) {
        if (lineItem == null || lineItem.isBlank()) {
            return "unknown";
        }
        String item = lineItem.contains(" | ") ? lineItem.substring(lineItem.lastIndexOf(" | ") + 3) : lineItem;
        int comma = item.lastIndexOf(',');
        return (comma > 0 ? item.substring(0, comma) : item).trim();
    }

    @Override
    public Future<Void> close() {
        return Future.succeededFuture();
    }
}
