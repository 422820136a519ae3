package dev.vigil.llm.push;

import dev.vigil.llm.RequestStatus;
import dev.vigil.llm.Tokens;
import dev.vigil.llm.UsageEvent;
import dev.vigil.llm.UsageLedger;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Pushed JSON (one object, an array, or NDJSON) to usage events, or an {@link InvalidUsage} naming the first
 * bad field by its path ({@code $[3].usage.prompt_tokens}). Token counts come either as Vigil's fields or as
 * the provider's own {@code usage} object, which is converted to Vigil's convention (all input counted in
 * {@code input_tokens}).
 */
final class UsageParser {
    /** A billion tokens in one call is already absurd; the bound keeps sums far from overflowing. */
    static final long MAX_TOKENS = 1_000_000_000L;
    static final double MAX_DURATION_MS = 86_400_000;
    static final BigDecimal MAX_COST_USD = BigDecimal.valueOf(1_000_000);
    static final int MAX_LABEL_LENGTH = 128;
    private static final int MAX_LABELS = 20;
    private static final Pattern PROVIDER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,63}");
    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");
    private static final List<String> TOKEN_FIELDS = List.of("input_tokens", "output_tokens", "cached_input_tokens", "cache_write_tokens");
    private static final Set<String> FIELDS = Set.of("provider", "model", "input_tokens", "output_tokens", "cached_input_tokens",
            "cache_write_tokens", "usage", "duration_ms", "status", "operation", "cost_usd", "tenant", "feature", "labels", "batch");

    private UsageParser() {
    }

    /** A JSON object or an array of them; an array is accepted whole or not at all. */
    static List<UsageEvent> json(String body, Instant receivedAt) throws InvalidUsage {
        Object value = decode(body, "");
        if (value instanceof JsonObject o) {
            return List.of(event(o, "$", receivedAt));
        }
        if (!(value instanceof JsonArray array)) {
            throw new InvalidUsage("$", "expected a usage object or an array of them");
        }
        if (array.isEmpty()) {
            throw new InvalidUsage("$", "the array holds no usage object");
        }
        List<UsageEvent> events = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            if (!(array.getValue(i) instanceof JsonObject o)) {
                throw new InvalidUsage("$[" + i + "]", "expected a usage object");
            }
            events.add(event(o, "$[" + i + "]", receivedAt));
        }
        return events;
    }

    /** One JSON object per line; blank lines are skipped. */
    static List<UsageEvent> ndjson(String body, Instant receivedAt) throws InvalidUsage {
        List<UsageEvent> events = new ArrayList<>();
        String[] lines = body.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            String where = "line " + (i + 1) + " ";
            if (!(decode(lines[i], where) instanceof JsonObject o)) {
                throw new InvalidUsage(where + "$", "expected a usage object on each line");
            }
            events.add(event(o, where + "$", receivedAt));
        }
        if (events.isEmpty()) {
            throw new InvalidUsage("", "the body holds no usage object");
        }
        return events;
    }

    private static Object decode(String text, String where) throws InvalidUsage {
        try {
            return Json.decodeValue(text);
        } catch (DecodeException e) {
            String reason = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
            throw new InvalidUsage(where.trim(), "not valid JSON (" + (reason.length() > 160 ? reason.substring(0, 160) + "..." : reason) + ")");
        }
    }

    private static UsageEvent event(JsonObject o, String path, Instant receivedAt) throws InvalidUsage {
        for (String key : o.fieldNames()) {
            if (!FIELDS.contains(key)) {
                throw new InvalidUsage(path + "." + printable(key), "unknown field");
            }
        }
        Fields f = new Fields(o, path);
        String provider = f.string("provider", 64).orElseThrow(() -> f.missing("provider"));
        if (!PROVIDER.matcher(provider).matches()) {
            throw new InvalidUsage(path + ".provider", "expected a provider name such as openai or anthropic (letters, digits, . _ -)");
        }
        String model = f.string("model", UsageLedger.MAX_VALUE_LENGTH).orElseThrow(() -> f.missing("model"));
        Tokens tokens = tokens(o, f, path, provider);
        Optional<String> statusText = f.string("status", 32);
        RequestStatus status = statusText.isEmpty() ? RequestStatus.OK : RequestStatus.parse(statusText.get())
                .orElseThrow(() -> new InvalidUsage(path + ".status", "expected ok, error or rate_limited"));
        OptionalLong duration = f.number("duration_ms", BigDecimal.valueOf(MAX_DURATION_MS))
                .map(d -> OptionalLong.of(d.longValue())).orElse(OptionalLong.empty());
        Optional<BigDecimal> cost = f.number("cost_usd", MAX_COST_USD);
        return new UsageEvent(provider, model, tokens, 1, status, duration, cost, labels(o, f, path), Optional.of(receivedAt), f.flag("batch"));
    }

    private static Tokens tokens(JsonObject o, Fields f, String path, String provider) throws InvalidUsage {
        boolean ownFields = TOKEN_FIELDS.stream().anyMatch(o::containsKey);
        if (o.containsKey("usage") == ownFields) {
            throw new InvalidUsage(path, ownFields ? "give either usage or input_tokens/output_tokens, not both"
                    : "no token counts: give input_tokens/output_tokens, or the provider's usage object");
        }
        try {
            if (ownFields) {
                return new Tokens(f.whole("input_tokens"), f.whole("output_tokens"), f.whole("cached_input_tokens"), f.whole("cache_write_tokens"));
            }
            if (!(o.getValue("usage") instanceof JsonObject usage)) {
                throw new InvalidUsage(path + ".usage", "expected the provider's usage object");
            }
            return ProviderUsage.tokens(new Fields(usage, path + ".usage"), provider);
        } catch (IllegalArgumentException e) {
            throw new InvalidUsage(path, e.getMessage());
        }
    }

    private static Map<String, String> labels(JsonObject o, Fields f, String path) throws InvalidUsage {
        Map<String, String> labels = new HashMap<>();
        for (String name : List.of("tenant", "feature", "operation")) {
            f.string(name, MAX_LABEL_LENGTH).ifPresent(v -> labels.put(name, v));
        }
        if (o.getValue("labels") == null) {
            return labels;
        }
        if (!(o.getValue("labels") instanceof JsonObject extra) || extra.size() > MAX_LABELS) {
            throw new InvalidUsage(path + ".labels", "expected an object of at most " + MAX_LABELS + " label names to strings");
        }
        Fields l = new Fields(extra, path + ".labels");
        for (String name : extra.fieldNames()) {
            if (!NAME.matcher(name).matches()) {
                throw new InvalidUsage(path + ".labels." + printable(name), "label names are lower-case letters, digits and _");
            }
            l.string(name, MAX_LABEL_LENGTH).ifPresent(v -> labels.put(name, v));
        }
        return labels;
    }

    /** The index of the first surrogate that is not half of a valid pair, or -1. */
    static int loneSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    private static String printable(String key) {
        String shown = CONTROL.matcher(key).replaceAll("?");
        return shown.length() > 40 ? shown.substring(0, 40) + "..." : shown;
    }

    /** Typed reads of one JSON object's fields, each failure naming the field's path. */
    record Fields(JsonObject o, String path) {
        boolean has(String key) {
            return o.containsKey(key);
        }

        boolean flag(String key) throws InvalidUsage {
            Object v = o.getValue(key);
            if (v != null && !(v instanceof Boolean)) {
                throw new InvalidUsage(path + "." + key, "expected true or false, got " + kind(v));
            }
            return Boolean.TRUE.equals(v);
        }

        InvalidUsage missing(String key) {
            return new InvalidUsage(path + "." + key, "is required");
        }

        Optional<String> string(String key, int maxLength) throws InvalidUsage {
            Object v = o.getValue(key);
            if (v == null) {
                return Optional.empty();
            }
            if (!(v instanceof String s) || s.isBlank()) {
                throw new InvalidUsage(path + "." + key, "expected a non-empty string, got " + kind(v));
            }
            if (s.length() > maxLength || CONTROL.matcher(s).find()) {
                throw new InvalidUsage(path + "." + key, "expected at most " + maxLength + " printable characters");
            }
            int lone = loneSurrogate(s);
            if (lone >= 0) {
                // Not text: the exposition writes it as '?', so two such names would become one series.
                throw new InvalidUsage(path + "." + key, String.format("holds a lone UTF-16 surrogate (\\u%04x at character %d), which is not Unicode text",
                        (int) s.charAt(lone), lone));
            }
            return Optional.of(s);
        }

        long whole(String key) throws InvalidUsage {
            Object v = o.getValue(key);
            if (v == null) {
                return 0;
            }
            if (!(v instanceof Integer || v instanceof Long)) {
                throw new InvalidUsage(path + "." + key, "expected a whole number of tokens, got " + kind(v));
            }
            long n = ((Number) v).longValue();
            if (n < 0 || n > MAX_TOKENS) {
                throw new InvalidUsage(path + "." + key, "must be between 0 and " + MAX_TOKENS + ", got " + n);
            }
            return n;
        }

        Optional<BigDecimal> number(String key, BigDecimal max) throws InvalidUsage {
            Object v = o.getValue(key);
            if (v == null) {
                return Optional.empty();
            }
            if (!(v instanceof Number n) || v instanceof Double d && !Double.isFinite(d)) {
                throw new InvalidUsage(path + "." + key, "expected a number, got " + kind(v));
            }
            // Doubles go through their shortest decimal form, which is the text the client sent.
            BigDecimal value = n instanceof Double d ? BigDecimal.valueOf(d) : new BigDecimal(n.toString());
            if (value.signum() < 0 || value.compareTo(max) > 0) {
                throw new InvalidUsage(path + "." + key, "must be between 0 and " + max.toPlainString());
            }
            return Optional.of(value);
        }

        Fields nested(String key) throws InvalidUsage {
            Object v = o.getValue(key);
            if (v == null) {
                return new Fields(new JsonObject(), path + "." + key);
            }
            if (!(v instanceof JsonObject inner)) {
                throw new InvalidUsage(path + "." + key, "expected an object, got " + kind(v));
            }
            return new Fields(inner, path + "." + key);
        }

        private static String kind(Object v) {
            if (v instanceof String) {
                return "a string";
            }
            if (v instanceof JsonObject) {
                return "an object";
            }
            if (v instanceof JsonArray) {
                return "an array";
            }
            if (v instanceof Boolean) {
                return "true/false";
            }
            return v instanceof Number ? "a number out of range or with a fraction" : "something else";
        }
    }
}
