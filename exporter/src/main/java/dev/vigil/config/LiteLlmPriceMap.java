package dev.vigil.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.vigil.config.PriceFile.ModelPrice;
import dev.vigil.config.PriceFile.Tier;
import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The LiteLLM price map ({@code model_prices_and_context_window.json}): one object per model name with prices in
 * US dollars per token ({@code "input_cost_per_token": 2.5e-06}). The file is 1.6 MB and growing, so it is
 * streamed (a YAML reader takes seconds on it at start-up); each price is taken from its text as a decimal,
 * never through a double, and moved to Vigil's per-million unit exactly (2.5e-06 per token is 2.5 per million).
 * <p>
 * Entries Vigil cannot price a call with (the format's {@code sample_spec}, models priced per image, pixel,
 * second, character or query, entries with no price) are kept by reason for the start-up log. Keys Vigil does
 * not use (context sizes, capabilities, priority and flex prices, one-hour cache writes) are ignored.
 */
final class LiteLlmPriceMap {
    private static final String SAMPLE = "sample_spec";
    private static final String INPUT = "input_cost_per_token";
    private static final String OUTPUT = "output_cost_per_token";
    private static final String CACHE_READ = "cache_read_input_token_cost";
    private static final String CACHE_WRITE = "cache_creation_input_token_cost";
    /** input_cost_per_token_above_200k_tokens: the price once a call's input passes 200,000 tokens. */
    private static final Pattern TIER = Pattern.compile("(" + INPUT + "|" + OUTPUT + "|" + CACHE_READ + "|" + CACHE_WRITE + ")_above_(\\d{1,6})k_tokens");
    /** input_cost_per_pixel, output_cost_per_image, input_cost_per_second, input_cost_per_query... */
    private static final Pattern OTHER_UNIT = Pattern.compile("(input|output)_cost_per_(?!token)[a-z_0-9]+");
    private static final JsonFactory JSON = new JsonFactory();
    private static final BigDecimal MAX_PER_TOKEN = PriceFile.MAX_PRICE.movePointLeft(6).stripTrailingZeros();

    static final String SAMPLE_ENTRY = "the format's sample entry";
    static final String OTHER_UNITS = "priced per image, pixel, second, character or query, not per token";
    static final String HALF_PRICED = "an input or output token price missing";
    static final String NO_PRICE = "no price";

    private LiteLlmPriceMap() {
    }

    /** A value of an entry: a scalar's own text (a number as written), or no text for null, an object or a list. */
    private record Value(JsonToken kind, String text, int line) {
        boolean given() {
            return kind != JsonToken.VALUE_NULL;
        }
    }

    /**
     * A JSON object of model names to price objects, and not Vigil's own format written as JSON (a top-level
     * {@code models} or {@code as_of}): Vigil's YAML table never starts with {@code {}.
     */
    static boolean isOne(Path file) throws ConfigException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int c;
            do {
                c = reader.read();
            } while (c == '\uFEFF' || Character.isWhitespace(c));
            if (c != '{') {
                return false;
            }
        } catch (NoSuchFileException e) {
            return false; // the YAML reader reports it as a config error
        } catch (IOException e) {
            throw new ConfigException(file.toString(), 0, "", "cannot read: " + e.getMessage());
        }
        try (JsonParser p = JSON.createParser(file.toFile())) {
            p.nextToken();
            for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                if (p.currentName().equals("models") || p.currentName().equals("as_of")) {
                    return false;
                }
                p.nextToken();
                p.skipChildren();
            }
            return true;
        } catch (IOException e) {
            return true; // broken JSON: read() names the line
        }
    }

    static PriceFile read(Path file) throws ConfigException {
        String origin = file.toString();
        List<ModelPrice> models = new ArrayList<>();
        Map<String, List<String>> unusable = new LinkedHashMap<>();
        try (JsonParser p = JSON.createParser(file.toFile())) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new ConfigException(origin, line(p), "", "expected a JSON object of model names to prices");
            }
            // A name given twice keeps its last object, as JSON readers (LiteLLM's own among them) do.
            Map<String, Map<String, Value>> entries = new LinkedHashMap<>();
            for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                String model = p.currentName();
                if (model.isBlank()) {
                    throw new ConfigException(origin, line(p), "", "model names must be non-empty strings");
                }
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    throw new ConfigException(origin, line(p), model, "expected an object of prices");
                }
                entries.remove(model);
                entries.put(model, fields(p));
            }
            for (Map.Entry<String, Map<String, Value>> e : entries.entrySet()) {
                Optional<String> reason = e.getKey().equals(SAMPLE) ? Optional.of(SAMPLE_ENTRY) : unusable(e.getValue());
                if (reason.isPresent()) {
                    unusable.computeIfAbsent(reason.get(), r -> new ArrayList<>()).add(e.getKey());
                } else {
                    models.add(price(origin, e.getKey(), e.getValue()));
                }
            }
        } catch (JsonProcessingException e) {
            throw new ConfigException(origin, e.getLocation() == null ? 0 : e.getLocation().getLineNr(), "", "not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ConfigException(origin, 0, "", "cannot read: " + e.getMessage());
        }
        return new PriceFile(origin, Optional.empty(), models, unusable);
    }

    /** The fields of the object the parser is at; nested objects and lists are skipped, kept only as present. */
    private static Map<String, Value> fields(JsonParser p) throws IOException {
        Map<String, Value> fields = new LinkedHashMap<>();
        for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            int line = line(p);
            boolean scalar = value.isScalarValue();
            fields.put(name, new Value(value, scalar && value != JsonToken.VALUE_NULL ? p.getText() : null, line));
            p.skipChildren();
        }
        return fields;
    }

    private static int line(JsonParser p) {
        return p.currentTokenLocation().getLineNr();
    }

    private static Optional<String> unusable(Map<String, Value> fields) {
        boolean input = given(fields, INPUT);
        boolean output = given(fields, OUTPUT);
        if (input && output) {
            return Optional.empty();
        }
        if (input || output) {
            return Optional.of(HALF_PRICED);
        }
        return fields.keySet().stream().anyMatch(k -> OTHER_UNIT.matcher(k).matches()) ? Optional.of(OTHER_UNITS) : Optional.of(NO_PRICE);
    }

    private static ModelPrice price(String origin, String model, Map<String, Value> fields) throws ConfigException {
        BigDecimal input = perMillion(origin, model, fields, INPUT).orElseThrow();
        BigDecimal output = perMillion(origin, model, fields, OUTPUT).orElseThrow();
        Optional<BigDecimal> cacheRead = perMillion(origin, model, fields, CACHE_READ);
        Optional<BigDecimal> cacheWrite = perMillion(origin, model, fields, CACHE_WRITE);
        Map<Long, Map<String, BigDecimal>> above = new TreeMap<>();
        for (String key : fields.keySet()) {
            Matcher m = TIER.matcher(key);
            if (m.matches()) {
                Optional<BigDecimal> price = perMillion(origin, model, fields, key);
                if (price.isPresent()) {
                    above.computeIfAbsent(Long.parseLong(m.group(2)) * 1000, t -> new LinkedHashMap<>()).put(m.group(1), price.get());
                }
            }
        }
        List<Tier> tiers = new ArrayList<>();
        // A tier that names only some prices keeps the standard ones for the rest.
        above.forEach((threshold, p) -> tiers.add(new Tier(threshold, p.getOrDefault(INPUT, input), p.getOrDefault(OUTPUT, output),
                Optional.ofNullable(p.get(CACHE_READ)).or(() -> cacheRead), Optional.ofNullable(p.get(CACHE_WRITE)).or(() -> cacheWrite))));
        Value provider = fields.get("litellm_provider");
        String providerName = provider != null && provider.kind() == JsonToken.VALUE_STRING ? provider.text() : "";
        return new ModelPrice(model, providerName, input, output, cacheRead, cacheWrite,
                perMillion(origin, model, fields, INPUT + "_batches"), perMillion(origin, model, fields, OUTPUT + "_batches"), tiers);
    }

    /** The per-token price under {@code key}, in dollars per million tokens, exactly; empty when absent or null. */
    private static Optional<BigDecimal> perMillion(String origin, String model, Map<String, Value> fields, String key) throws ConfigException {
        if (!given(fields, key)) {
            return Optional.empty();
        }
        Value value = fields.get(key);
        BigDecimal perToken;
        try {
            perToken = new BigDecimal(value.text() == null ? "" : value.text().trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(origin, value.line(), model + "." + key, "expected US dollars per token such as 2.5e-06, got "
                    + (value.text() != null ? "'" + value.text() + "'" : "an object or a list"));
        }
        if (perToken.signum() < 0 || perToken.compareTo(MAX_PER_TOKEN) > 0) {
            throw new ConfigException(origin, value.line(), model + "." + key,
                    "must be between 0 and " + MAX_PER_TOKEN.toPlainString() + " US dollars per token, got " + value.text().trim());
        }
        return Optional.of(perToken.movePointRight(6).stripTrailingZeros());
    }

    private static boolean given(Map<String, Value> fields, String key) {
        Value value = fields.get(key);
        return value != null && value.given();
    }
}
