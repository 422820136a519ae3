package dev.vigil.config;

import java.io.Reader;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.yaml.snakeyaml.nodes.Node;

/**
 * LLM prices in US dollars per million tokens, as the built-in table and {@code llm.prices_file} write them:
 * <pre>
 * as_of: 2026-09-25
 * models:
 *   gpt-4o-mini: { provider: openai, input: 0.15, output: 0.60, cached_input: 0.075 }
 * </pre>
 * or, for {@code llm.prices_file}, the LiteLLM price map ({@code model_prices_and_context_window.json}), told
 * apart by its shape (see {@link LiteLlmPriceMap}).
 *
 * @param unusable entries of a LiteLLM map Vigil cannot price calls with, by reason, for the start-up log
 */
public record PriceFile(String origin, Optional<String> asOf, List<ModelPrice> models, Map<String, List<String>> unusable) {
    /** A price above this per million tokens is surely a typo (the dearest models cost a few hundred). */
    static final BigDecimal MAX_PRICE = new BigDecimal("100000");

    public PriceFile {
        models = List.copyOf(models);
        unusable = Map.copyOf(unusable);
    }

    /**
     * One model's list prices per million tokens. A missing cached-input or cache-write price means those
     * tokens cost the input price: never a guessed discount. Batch prices apply to calls made through the
     * provider's batch API; tiers, to single calls whose input exceeds their threshold.
     */
    public record ModelPrice(String model, String provider, BigDecimal input, BigDecimal output,
                             Optional<BigDecimal> cachedInput, Optional<BigDecimal> cacheWrite,
                             Optional<BigDecimal> batchInput, Optional<BigDecimal> batchOutput, List<Tier> tiers) {
        public ModelPrice {
            tiers = tiers.stream().sorted(Comparator.comparingLong(Tier::aboveInputTokens)).toList();
        }
    }

    /**
     * The prices of a call whose input tokens (cached ones included, as the providers count) exceed
     * {@code aboveInputTokens}: for all of its tokens, not only those past the threshold.
     */
    public record Tier(long aboveInputTokens, BigDecimal input, BigDecimal output,
                       Optional<BigDecimal> cachedInput, Optional<BigDecimal> cacheWrite) {
    }

    public static PriceFile load(Path file, Function<String, String> env) throws ConfigException {
        return LiteLlmPriceMap.isOne(file) ? LiteLlmPriceMap.read(file) : read(file.toString(), YamlFile.read(file), env);
    }

    public static PriceFile parse(String origin, Reader reader) throws ConfigException {
        return read(origin, YamlFile.compose(origin, reader), name -> null);
    }

    private static PriceFile read(String origin, Node node, Function<String, String> env)
            throws ConfigException {
        YamlSection root = YamlSection.root(origin, node, env);
        Optional<String> asOf = root.string("as_of");
        List<ModelPrice> models = new ArrayList<>();
        if (root.section("models").isPresent()) {
            YamlSection section = root.section("models").get();
            for (String model : section.keys()) {
                YamlSection one = section.section(model)
                        .orElseThrow(() -> section.error(model, "expected a mapping such as { provider: openai, input: 0.15, output: 0.60 }"));
                models.add(readModel(model, one));
            }
        }
        root.finish();
        return new PriceFile(origin, asOf, models, Map.of());
    }

    private static ModelPrice readModel(String model, YamlSection section) throws ConfigException {
        String provider = section.string("provider", "");
        BigDecimal input = price(section, "input").orElseThrow(() -> section.error("input", "is required (US dollars per million input tokens)"));
        BigDecimal output = price(section, "output").orElseThrow(() -> section.error("output", "is required (US dollars per million output tokens)"));
        Optional<BigDecimal> cached = price(section, "cached_input");
        Optional<BigDecimal> cacheWrite = price(section, "cache_write");
        Optional<BigDecimal> batchInput = price(section, "batch_input");
        Optional<BigDecimal> batchOutput = price(section, "batch_output");
        section.finish();
        return new ModelPrice(model, provider, input, output, cached, cacheWrite, batchInput, batchOutput, List.of());
    }

    private static Optional<BigDecimal> price(YamlSection section, String key) throws ConfigException {
        Optional<String> text = section.string(key);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Money.parse(section, key, text.get(), MAX_PRICE));
    }
}
