package dev.vigil.llm.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The time range each poll asks a provider's reports for, and how their results are told apart. The first
 * poll starts at the beginning of the current month (UTC), so the month's spend is complete from the start;
 * later polls go back {@code revision_window}, far enough for the revisions providers make.
 */
final class ReportWindow {
    private final Clock clock;
    private final Duration revisionWindow;
    private volatile boolean started;

    ReportWindow(Clock clock, Duration revisionWindow) {
        this.clock = clock;
        this.revisionWindow = revisionWindow;
    }

    /** Start of the range for this poll, at a UTC day boundary (the reports' daily buckets start there). */
    Instant next() {
        Instant now = clock.instant();
        Instant back = now.minus(revisionWindow).truncatedTo(ChronoUnit.DAYS);
        if (started) {
            return back;
        }
        Instant monthStart = LocalDate.ofInstant(now, ZoneOffset.UTC).withDayOfMonth(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        return monthStart.isBefore(back) ? monthStart : back;
    }

    /** The month so far was read once: later polls need only go back the revision window. */
    void read() {
        started = true;
    }

    /**
     * Every result of every bucket, with its bucket's start. Results sit in "results" in the documented answers,
     * in "result" in some versions of OpenAI's spec.
     */
    static void forEachResult(List<JsonObject> report, Function<JsonObject, Instant> startOf, BiConsumer<Instant, JsonObject> action) {
        for (JsonObject bucket : report) {
            Instant start = startOf.apply(bucket);
            JsonArray results = bucket.getJsonArray("results");
            for (Object r : results != null ? results : bucket.getJsonArray("result", new JsonArray())) {
                if (r instanceof JsonObject result) {
                    action.accept(start, result);
                }
            }
        }
    }

    /**
     * What identifies a result within its bucket: its grouping fields (model, line item, description, project,
     * service tier...), i.e. every text or true/false field but the {@code values} (Anthropic's amount is a
     * string), so two results of one bucket never share a key and a revised result keeps its key.
     */
    static String identity(String report, Instant start, JsonObject result, String... values) {
        java.util.Set<String> skip = java.util.Set.of(values);
        Map<String, Object> fields = new TreeMap<>();
        result.forEach(e -> {
            if ((e.getValue() instanceof String || e.getValue() instanceof Boolean) && !skip.contains(e.getKey())) {
                fields.put(e.getKey(), e.getValue());
            }
        });
        return report + "|" + start + "|" + fields;
    }

    /** A whole number field, 0 when absent or null. */
    static long whole(JsonObject o, String key) {
        Object v = o == null ? null : o.getValue(key);
        return v instanceof Number n ? Math.max(0, n.longValue()) : 0;
    }
}
