package dev.vigil.llm.price;

import dev.vigil.config.PriceFile;
import dev.vigil.llm.RequestStatus;
import dev.vigil.llm.Tokens;
import dev.vigil.llm.UsageEvent;
import java.io.StringReader;
import java.math.BigDecimal;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PriceTableTest {
    private final PriceTable builtIn = PriceTable.load(Optional.empty());

    private String match(String model) {
        return builtIn.find("", model).map(PriceFile.ModelPrice::model).orElse("none");
    }

    /** One ordinary call's cost, from a provider the table has no entries of its own for. */
    static Optional<BigDecimal> cost(PriceTable table, String model, Tokens tokens) {
        return table.cost(new UsageEvent("", model, tokens, 1, RequestStatus.OK, OptionalLong.empty(), Optional.empty(), Map.of(), Optional.empty()));
    }

    @Test
    void theBuiltInTableIsDatedAndCoversTheThreeProviders() {
        assertThat(builtIn.asOf()).isEqualTo("2026-09-25");
        assertThat(match("gpt-5.4-mini")).isEqualTo("gpt-5.4-mini");
        assertThat(match("claude-sonnet-4-6")).isEqualTo("claude-sonnet-4-6");
        assertThat(match("gemini-2.5-flash")).isEqualTo("gemini-2.5-flash");
        assertThat(builtIn.size()).isGreaterThan(50);
    }

    @Test
    void namesMatchExactlyThenWithoutPathOrDateThenByLongestPrefix() {
        assertThat(match("GPT-4o")).isEqualTo("gpt-4o");
        assertThat(match("gpt-4o-2024-05-13")).isEqualTo("gpt-4o-2024-05-13");
        assertThat(match("gpt-4o-2024-08-06")).isEqualTo("gpt-4o");
        assertThat(match("claude-haiku-4-5-20251001")).isEqualTo("claude-haiku-4-5");
        assertThat(match("claude-sonnet-4-5@20250929")).isEqualTo("claude-sonnet-4-5");
        assertThat(match("openai/gpt-4.1-mini")).isEqualTo("gpt-4.1-mini");
        assertThat(match("models/gemini-2.5-flash-lite")).isEqualTo("gemini-2.5-flash-lite");
        assertThat(match("gpt-4o-mini-search-preview")).isEqualTo("gpt-4o-mini");
        assertThat(match("gemini-2.5-flash-preview-05-20")).isEqualTo("gemini-2.5-flash");
        assertThat(match("gpt-5.4-mini-2026-03-17")).isEqualTo("gpt-5.4-mini");
        // Dearer variants have entries of their own, so the prefix rule does not price them as their base model.
        assertThat(match("o3-deep-research-2025-06-26")).isEqualTo("o3-deep-research");
        assertThat(match("o4-mini-deep-research")).isEqualTo("o4-mini-deep-research");
        assertThat(match("gpt-5.1-codex-mini")).isEqualTo("gpt-5.1-codex-mini");
        // A prefix ends at a separator: gpt-4 is not gpt-4o's prefix, and gpt-5.3 is not a gpt-5.
        assertThat(match("gpt-4o-custom")).isEqualTo("gpt-4o");
        assertThat(match("gpt-4ox")).isEqualTo("none");
        assertThat(match("gpt-5.3-codex")).isEqualTo("none");
        assertThat(match("llama-3-70b")).isEqualTo("none");
    }

    @Test
    void costIsExactWithCachedAndCacheWriteTokensAtTheirOwnRates() {
        // claude-haiku-4-5: 3 x 1.00 input + 11 x 0.10 cache read + 13 x 1.25 cache write + 7 x 5.00 output per million
        Tokens t = Tokens.fromAnthropic(3, 7, 11, 13);
        assertThat(cost(builtIn, "claude-haiku-4-5", t)).hasValueSatisfying(c -> assertThat(c).isEqualByComparingTo("0.00005535"));
        // A model without a cached price charges cached tokens at the input price, never a guessed discount.
        assertThat(cost(builtIn, "gpt-4o-2024-05-13", new Tokens(10, 0, 10, 0))).hasValueSatisfying(c -> assertThat(c).isEqualByComparingTo("0.00005"));
        assertThat(cost(builtIn, "unknown-model", t)).isEmpty();
    }

    @Test
    void aPricesFileOverridesAndExtendsTheTable() throws Exception {
        PriceFile file = PriceFile.parse("prices.yml", new StringReader("""
                models:
                  gpt-4o-mini: { provider: openai, input: 0.10, output: 0.50 }
                  llama-3-70b: { provider: groq, input: 0.59, output: 0.79, cached_input: 0.3 }
                """));
        PriceTable table = PriceTable.load(Optional.of(file));
        assertThat(cost(table, "gpt-4o-mini-2024-07-18", new Tokens(1_000_000, 1_000_000, 0, 0)))
                .hasValueSatisfying(c -> assertThat(c).isEqualByComparingTo("0.60"));
        assertThat(cost(table, "llama-3-70b-versatile", new Tokens(100, 0, 50, 0)))
                .hasValueSatisfying(c -> assertThat(c).isEqualByComparingTo("0.0000445"));
    }

    @Test
    void priceArithmeticAtTheEdges() throws Exception {
        PriceTable table = PriceTable.load(Optional.of(PriceFile.parse("prices.yml", new StringReader("""
                models:
                  tiny: { provider: test, input: 0.075, output: 0.3, cached_input: 0.0075, cache_write: 0.09375 }
                  dear: { provider: test, input: 150, output: 600 }
                """))));
        // No tokens cost exactly nothing, not a rounding residue.
        assertThat(cost(table, "tiny", Tokens.NONE)).hasValueSatisfying(c -> assertThat(c).isEqualByComparingTo("0"));
        // One token at a fraction of a cent per million keeps every digit: 0.0075 / 10^6.
        assertThat(cost(table, "tiny", new Tokens(1, 0, 1, 0))).hasValueSatisfying(c -> assertThat(c).isEqualByComparingTo("0.0000000075"));
        // Input entirely from and to the cache: nothing at the full input price.
        assertThat(cost(table, "tiny", new Tokens(3_000_000, 0, 2_000_000, 1_000_000)))
                .hasValueSatisfying(c -> assertThat(c).isEqualByComparingTo("0.10875")); // 2 x 0.0075 + 1 x 0.09375
        // The largest call a push may report (10^9 tokens each way) at a high price: no overflow, no float.
        assertThat(cost(table, "dear", new Tokens(1_000_000_000, 1_000_000_000, 0, 0)))
                .hasValueSatisfying(c -> assertThat(c).isEqualByComparingTo("750000"));
        // A million one-token calls add up to the price of a million tokens, exactly.
        BigDecimal sum = BigDecimal.ZERO;
        for (int i = 0; i < 1_000_000; i++) {
            sum = sum.add(cost(table, "tiny", new Tokens(1, 0, 0, 0)).orElseThrow());
        }
        assertThat(sum).isEqualByComparingTo("0.075");
    }

    @Test
    void tokenCountsThatCannotBeRightAreRefused() {
        assertThatThrownBy(() -> new Tokens(10, 0, 6, 5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cached_input_tokens plus cache_write_tokens (11) exceed input_tokens (10)");
        assertThatThrownBy(() -> new Tokens(-1, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Tokens.fromAnthropic(Long.MAX_VALUE, 0, 1, 0)).isInstanceOf(ArithmeticException.class);
    }
}
