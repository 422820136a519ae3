package dev.vigil.config;

import dev.vigil.config.PriceFile.ModelPrice;
import dev.vigil.config.PriceFile.Tier;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * The LiteLLM price map ({@code model_prices_and_context_window.json}): one object per model name with prices in
 * US dollars per token ({@code "input_cost_per_token": 2.5e-06}). JSON is YAML, so the file is read into nodes
 * like any config file; each price is taken from its text as a decimal, never through a double, and moved to
 * Vigil's per-million unit exactly (2.5e-06 per token is 2.5 per million).
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
    private static final BigDecimal MAX_PER_TOKEN = PriceFile.MAX_PRICE.movePointLeft(6).stripTrailingZeros();

    static final String SAMPLE_ENTRY = "the format's sample entry";
    static final String OTHER_UNITS = "priced per image, pixel, second, character or query, not per token";
    static final String HALF_PRICED = "an input or output token price missing";
    static final String NO_PRICE = "no price";

    private LiteLlmPriceMap() {
    }

    /** A mapping of model names to price objects, and not Vigil's own {@code models:} format. */
    static boolean isOne(Node node) {
        if (!(node instanceof MappingNode root)) {
            return false;
        }
        boolean vigil = root.getValue().stream().anyMatch(t -> key(t).equals("models") || key(t).equals("as_of"));
        return !vigil && root.getValue().stream().anyMatch(t -> t.getValueNode() instanceof MappingNode entry
                && entry.getValue().stream().anyMatch(f -> key(f).equals("litellm_provider") || key(f).equals(INPUT)));
    }

    static PriceFile read(String origin, MappingNode root) throws ConfigException {
        List<ModelPrice> models = new ArrayList<>();
        Map<String, List<String>> unusable = new LinkedHashMap<>();
        for (NodeTuple entry : root.getValue()) {
            String model = key(entry);
            if (model.isBlank()) {
                throw new ConfigException(origin, line(entry.getKeyNode()), "", "model names must be non-empty strings");
            }
            if (!(entry.getValueNode() instanceof MappingNode object)) {
                throw new ConfigException(origin, line(entry.getValueNode()), model, "expected an object of prices");
            }
            // A name given twice keeps its last object, as JSON readers (LiteLLM's own among them) do.
            Map<String, Node> fields = fields(object);
            Optional<String> reason = model.equals(SAMPLE) ? Optional.of(SAMPLE_ENTRY) : unusable(fields);
            if (reason.isPresent()) {
                unusable.computeIfAbsent(reason.get(), r -> new ArrayList<>()).add(model);
            } else {
                models.add(price(origin, model, fields));
            }
        }
        return new PriceFile(origin, Optional.empty(), models, unusable);
    }

    private static Optional<String> unusable(Map<String, Node> fields) {
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

    private static ModelPrice price(String origin, String model, Map<String, Node> fields) throws ConfigException {
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
        String provider = fields.get("litellm_provider") instanceof ScalarNode s ? s.getValue() : "";
        return new ModelPrice(model, provider, input, output, cacheRead, cacheWrite,
                perMillion(origin, model, fields, INPUT + "_batches"), perMillion(origin, model, fields, OUTPUT + "_batches"), tiers);
    }

    /** The per-token price under {@code key}, in dollars per million tokens, exactly; empty when absent or null. */
    private static Optional<BigDecimal> perMillion(String origin, String model, Map<String, Node> fields, String key) throws ConfigException {
        if (!given(fields, key)) {
            return Optional.empty();
        }
        Node node = fields.get(key);
        String text = node instanceof ScalarNode s ? s.getValue() : "";
        BigDecimal perToken;
        try {
            perToken = new BigDecimal(text.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(origin, line(node), model + "." + key, "expected US dollars per token such as 2.5e-06, got "
                    + (node instanceof ScalarNode ? "'" + text + "'" : "an object or a list"));
        }
        if (perToken.signum() < 0 || perToken.compareTo(MAX_PER_TOKEN) > 0) {
            throw new ConfigException(origin, line(node), model + "." + key,
                    "must be between 0 and " + MAX_PER_TOKEN.toPlainString() + " US dollars per token, got " + text.trim());
        }
        return Optional.of(perToken.movePointRight(6).stripTrailingZeros());
    }

    private static boolean given(Map<String, Node> fields, String key) {
        Node node = fields.get(key);
        return node != null && !(node instanceof ScalarNode s && Tag.NULL.equals(s.getTag()));
    }

    private static Map<String, Node> fields(MappingNode object) {
        Map<String, Node> fields = new LinkedHashMap<>();
        object.getValue().forEach(t -> fields.put(key(t), t.getValueNode()));
        return fields;
    }

    private static String key(NodeTuple tuple) {
        return tuple.getKeyNode() instanceof ScalarNode s ? s.getValue() : "";
    }

    private static int line(Node n) {
        return n == null || n.getStartMark() == null ? 0 : n.getStartMark().getLine() + 1;
    }
}
