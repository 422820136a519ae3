package dev.vigil.config;

import java.io.Reader;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A list of LLM prices in US dollars per million tokens, as the built-in table and {@code llm.prices_file}
 * write it:
 * <pre>
 * as_of: 2026-09-25
 * models:
 *   gpt-4o-mini: { provider: openai, input: 0.15, output: 0.60, cached_input: 0.075 }
 * </pre>
 */
public record PriceFile(String origin, Optional<String> asOf, List<ModelPrice> models) {
    /** A price above this per million tokens is surely a typo (the dearest models cost a few hundred). */
    private static final BigDecimal MAX_PRICE = new BigDecimal("100000");

    public PriceFile {
        models = List.copyOf(models);
    }

    /**
     * One model's list prices per million tokens. A missing cached-input or cache-write price means those
     * tokens cost the input price: never a guessed discount.
     */
    public record ModelPrice(String model, String provider, BigDecimal input, BigDecimal output,
                             Optional<BigDecimal> cachedInput, Optional<BigDecimal> cacheWrite) {
    }

    public static PriceFile load(Path file, Function<String, String> env) throws ConfigException {
        return read(file.toString(), YamlFile.read(file), env);
    }

    public static PriceFile parse(String origin, Reader reader) throws ConfigException {
        return read(origin, YamlFile.compose(origin, reader), name -> null);
    }

    private static PriceFile read(String origin, org.yaml.snakeyaml.nodes.Node node, Function<String, String> env)
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
        return new PriceFile(origin, asOf, models);
    }

    private static ModelPrice readModel(String model, YamlSection section) throws ConfigException {
        String provider = section.string("provider", "");
        BigDecimal input = price(section, "input").orElseThrow(() -> section.error("input", "is required (US dollars per million input tokens)"));
        BigDecimal output = price(section, "output").orElseThrow(() -> section.error("output", "is required (US dollars per million output tokens)"));
        Optional<BigDecimal> cached = price(section, "cached_input");
        Optional<BigDecimal> cacheWrite = price(section, "cache_write");
        section.finish();
        return new ModelPrice(model, provider, input, output, cached, cacheWrite);
    }

    private static Optional<BigDecimal> price(YamlSection section, String key) throws ConfigException {
        Optional<String> text = section.string(key);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Money.parse(section, key, text.get(), MAX_PRICE));
    }
}
