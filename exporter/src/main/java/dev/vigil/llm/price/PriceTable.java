package dev.vigil.llm.price;

import dev.vigil.config.ConfigException;
import dev.vigil.config.PriceFile.ModelPrice;
import dev.vigil.config.PriceFile;
import dev.vigil.llm.UsageEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * List prices per million tokens: the built-in table ({@code llm-prices.yml}, dated), overridden and extended
 * by {@code llm.prices_file} (Vigil's format or the LiteLLM price map). A call is priced by its provider and
 * model: the provider's own entry for the model first ({@code groq} with {@code llama-3.3-70b-versatile} finds
 * {@code groq/llama-3.3-70b-versatile}), then any entry of that name. A model name is looked up exactly, then
 * without a provider path ({@code openai/gpt-4o}), then without a date suffix ({@code gpt-4o-2024-08-06} is
 * {@code gpt-4o}), then by the longest known name it starts with, up to a separator
 * ({@code gpt-4o-mini-search-preview} is {@code gpt-4o-mini}; {@code gpt-4} is never {@code gpt-4o}).
 */
public final class PriceTable {
    static final String BUILT_IN = "llm-prices.yml";
    /** -2024-08-06 (OpenAI), -20241022 (Anthropic), @20241022 (Vertex AI). */
    private static final Pattern DATE_SUFFIX = Pattern.compile("[-@](\\d{4}-\\d{2}-\\d{2}|\\d{8})$");

    private final Map<String, ModelPrice> byName = new HashMap<>();
    /** Provider (by {@link ProviderNames}), then model name without the provider's path. */
    private final Map<String, Map<String, ModelPrice>> byProvider = new HashMap<>();
    private final String asOf;

    private PriceTable(PriceFile builtIn, Optional<PriceFile> overrides) {
        this.asOf = builtIn.asOf().orElse("undated");
        builtIn.models().forEach(this::add);
        overrides.ifPresent(o -> o.models().forEach(this::add));
    }

    private void add(ModelPrice p) {
        String name = key(p.model());
        byName.put(name, p);
        if (p.provider().isBlank()) {
            return;
        }
        String provider = ProviderNames.canonical(p.provider());
        int slash = name.indexOf('/');
        // The LiteLLM map writes groq/llama-3.3-70b-versatile; groq's SDK answers llama-3.3-70b-versatile.
        String own = slash > 0 && ProviderNames.canonical(name.substring(0, slash)).equals(provider) ? name.substring(slash + 1) : name;
        byProvider.computeIfAbsent(provider, k -> new HashMap<>()).put(own, p);
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

    /** The price this provider charges for this model, if the table knows it by one of the four rules. */
    public Optional<ModelPrice> find(String provider, String model) {
        List<Map<String, ModelPrice>> tables = new ArrayList<>(2);
        Optional.ofNullable(byProvider.get(ProviderNames.canonical(provider))).ifPresent(tables::add);
        tables.add(byName);
        String name = key(model);
        String bare = name.substring(name.lastIndexOf('/') + 1);
        for (String candidate : List.of(name, bare, DATE_SUFFIX.matcher(bare).replaceFirst(""))) {
            for (Map<String, ModelPrice> table : tables) {
                ModelPrice found = table.get(candidate);
                if (found != null) {
                    return Optional.of(found);
                }
            }
        }
        for (Map<String, ModelPrice> table : tables) {
            Optional<ModelPrice> found = longestPrefix(table, bare);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    private static Optional<ModelPrice> longestPrefix(Map<String, ModelPrice> table, String name) {
        for (int end = name.length() - 1; end > 0; end--) {
            if (isSeparator(name.charAt(end))) {
                ModelPrice p = table.get(name.substring(0, end));
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

    /** Exact dollars for this usage, or empty when its model has no price. */
    public Optional<BigDecimal> cost(UsageEvent usage) {
        return find(usage.provider(), usage.model()).map(p -> CallPrice.of(p, usage).cost(usage.tokens()));
    }

    private static String key(String model) {
        return model.trim().toLowerCase(Locale.ROOT);
    }
}
