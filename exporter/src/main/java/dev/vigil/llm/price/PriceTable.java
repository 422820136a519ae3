package dev.vigil.llm.price;

import dev.vigil.config.ConfigException;
import dev.vigil.config.PriceFile.ModelPrice;
import dev.vigil.config.PriceFile;
import dev.vigil.llm.Tokens;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * List prices per million tokens: the built-in table ({@code llm-prices.yml}, dated), overridden and extended
 * by {@code llm.prices_file}. A model name is looked up exactly, then without a provider path
 * ({@code openai/gpt-4o}), then without a date suffix ({@code gpt-4o-2024-08-06} is {@code gpt-4o}), then by
 * the longest known name it starts with, up to a separator ({@code gpt-4o-mini-search-preview} is
 * {@code gpt-4o-mini}; {@code gpt-4} is never {@code gpt-4o}).
 */
public final class PriceTable {
    static final String BUILT_IN = "llm-prices.yml";
    /** -2024-08-06 (OpenAI), -20241022 (Anthropic), @20241022 (Vertex AI). */
    private static final Pattern DATE_SUFFIX = Pattern.compile("[-@](\\d{4}-\\d{2}-\\d{2}|\\d{8})$");

    private final Map<String, ModelPrice> byName = new HashMap<>();
    private final String asOf;

    private PriceTable(PriceFile builtIn, Optional<PriceFile> overrides) {
        this.asOf = builtIn.asOf().orElse("undated");
        builtIn.models().forEach(p -> byName.put(key(p.model()), p));
        overrides.ifPresent(o -> o.models().forEach(p -> byName.put(key(p.model()), p)));
    }

    public static PriceTable load(Optional<PriceFile> overrides) {
        try (InputStream in = PriceTable.class.getClassLoader().getResourceAsStream(BUILT_IN)) {
            if (in == null) {
                throw new IllegalStateException(BUILT_IN + " is missing from the jar");
            }
            Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8);
            return new PriceTable(PriceFile.parse("built-in " + BUILT_IN, reader), overrides);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ConfigException e) {
            throw new IllegalStateException("the built-in price table is broken: " + e.describe(), e);
        }
    }

    /** The built-in table's date, for the log and the README. */
    public String asOf() {
        return asOf;
    }

    public int size() {
        return byName.size();
    }

    /** The price this model is charged at, if the table knows it by one of the four rules. */
    public Optional<ModelPrice> find(String model) {
        String name = key(model);
        ModelPrice exact = byName.get(name);
        if (exact != null) {
            return Optional.of(exact);
        }
        String bare = name.substring(name.lastIndexOf('/') + 1);
        ModelPrice found = byName.get(bare);
        if (found == null) {
            found = byName.get(DATE_SUFFIX.matcher(bare).replaceFirst(""));
        }
        return found != null ? Optional.of(found) : longestPrefix(bare);
    }

    private Optional<ModelPrice> longestPrefix(String name) {
        for (int end = name.length() - 1; end > 0; end--) {
            if (isSeparator(name.charAt(end))) {
                ModelPrice p = byName.get(name.substring(0, end));
                if (p != null) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    private static boolean isSeparator(char c) {
        return c == '-' || c == '_' || c == ':' || c == '@';
    }

    /** Exact dollars for these tokens, or empty when the model has no price. */
    public Optional<BigDecimal> cost(String model, Tokens tokens) {
        return find(model).map(p -> cost(p, tokens));
    }

    static BigDecimal cost(ModelPrice p, Tokens t) {
        BigDecimal perMillion = p.input().multiply(BigDecimal.valueOf(t.uncachedInput()))
                .add(p.cachedInput().orElse(p.input()).multiply(BigDecimal.valueOf(t.cachedInput())))
                .add(p.cacheWrite().orElse(p.input()).multiply(BigDecimal.valueOf(t.cacheWrite())))
                .add(p.output().multiply(BigDecimal.valueOf(t.output())));
        return perMillion.movePointLeft(6);
    }

    private static String key(String model) {
        return model.trim().toLowerCase(Locale.ROOT);
    }
}
