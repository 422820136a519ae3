package dev.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.config.PriceFile.ModelPrice;
import java.math.BigDecimal;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The LiteLLM price map as llm.prices_file, read from a real excerpt of the file (test resource prices/). */
class LiteLlmPriceMapTest {
    @TempDir
    Path dir;

    static Path excerpt() {
        try {
            return Path.of(LiteLlmPriceMapTest.class.getResource("/prices/litellm-excerpt.json").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ModelPrice model(PriceFile file, String name) {
        return file.models().stream().filter(m -> m.model().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void pricesPerTokenBecomeExactPricesPerMillion() throws Exception {
        PriceFile file = PriceFile.load(excerpt(), name -> null);
        assertThat(file.models()).hasSize(11);
        ModelPrice mini = model(file, "gpt-4o-mini");
        // 1.5e-07, 6e-07, 7.5e-08, 7.5e-08, 3e-07 per token, taken from the text: equal in value and in scale.
        assertThat(mini.provider()).isEqualTo("openai");
        assertThat(mini.input()).isEqualTo(new BigDecimal("0.15"));
        assertThat(mini.output()).isEqualTo(new BigDecimal("0.6"));
        assertThat(mini.cachedInput()).contains(new BigDecimal("0.075"));
        assertThat(mini.cacheWrite()).isEmpty();
        assertThat(mini.batchInput()).contains(new BigDecimal("0.075"));
        assertThat(mini.batchOutput()).contains(new BigDecimal("0.3"));
        assertThat(mini.tiers()).isEmpty();
        ModelPrice nova = model(file, "amazon.nova-2-lite-v1:0");
        assertThat(nova.provider()).isEqualTo("bedrock_converse");
        assertThat(nova.input()).isEqualTo(new BigDecimal("0.3"));
        assertThat(nova.output()).isEqualTo(new BigDecimal("2.5"));
        assertThat(model(file, "text-embedding-3-small").output()).isEqualByComparingTo("0");
    }

    @Test
    void longContextPricesBecomeTiersAboveTheirThreshold() throws Exception {
        PriceFile file = PriceFile.load(excerpt(), name -> null);
        ModelPrice sonnet = model(file, "claude-4-sonnet-20250514");
        assertThat(sonnet.cacheWrite()).contains(new BigDecimal("3.75"));
        assertThat(sonnet.tiers()).containsExactly(new PriceFile.Tier(200_000, new BigDecimal("6"), new BigDecimal("22.5"),
                Optional.of(new BigDecimal("0.6")), Optional.of(new BigDecimal("7.5"))));
        // Gemini 2.5 Pro has a long-context cache-write price but no standard one: the tier carries it alone.
        ModelPrice gemini = model(file, "gemini-2.5-pro");
        assertThat(gemini.cacheWrite()).isEmpty();
        assertThat(gemini.tiers()).containsExactly(new PriceFile.Tier(200_000, new BigDecimal("2.5"), new BigDecimal("15"),
                Optional.of(new BigDecimal("0.25")), Optional.of(new BigDecimal("0.25"))));
        // The one-hour cache write (cache_creation_input_token_cost_above_1hr) is not a context tier.
        assertThat(model(file, "claude-haiku-4-5").tiers()).isEmpty();
    }

    @Test
    void entriesThatCannotPriceACallAreListedByReason() throws Exception {
        PriceFile file = PriceFile.load(excerpt(), name -> null);
        assertThat(file.unusable()).isEqualTo(Map.of(
                LiteLlmPriceMap.SAMPLE_ENTRY, List.of("sample_spec"),
                LiteLlmPriceMap.OTHER_UNITS, List.of("1024-x-1024/dall-e-2", "linkup/search", "medlm-large", "standard/1024-x-1024/dall-e-3"),
                LiteLlmPriceMap.NO_PRICE, List.of("meta_llama/Llama-3.3-70B-Instruct")));
    }

    @Test
    void aPriceThatIsNotANumberIsOneLineWithFileLineAndKey() throws Exception {
        Path file = Files.writeString(dir.resolve("prices.json"), """
                {
                    "my-model": {
                        "litellm_provider": "openai",
                        "input_cost_per_token": "cheap",
                        "output_cost_per_token": 1e-06
                    }
                }
                """);
        assertThatThrownBy(() -> PriceFile.load(file, name -> null)).isInstanceOf(ConfigException.class)
                .extracting(e -> ((ConfigException) e).describe())
                .isEqualTo(file + ":4: my-model.input_cost_per_token: expected US dollars per token such as 2.5e-06, got 'cheap'");
        Files.writeString(file, """
                {"my-model": {"litellm_provider": "openai", "input_cost_per_token": 1e-06,
                              "output_cost_per_token": -2e-06}}
                """);
        assertThatThrownBy(() -> PriceFile.load(file, name -> null)).isInstanceOf(ConfigException.class)
                .extracting(e -> ((ConfigException) e).describe())
                .isEqualTo(file + ":2: my-model.output_cost_per_token: must be between 0 and 0.1 US dollars per token, got -2e-06");
    }

    @Test
    void brokenJsonNamesItsLine() throws Exception {
        Path file = Files.writeString(dir.resolve("prices.json"), """
                {
                    "my-model": {"input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06},
                    "other": {"input_cost_per_token": 1e-06,, "output_cost_per_token": 2e-06}
                }
                """);
        assertThatThrownBy(() -> PriceFile.load(file, name -> null)).isInstanceOf(ConfigException.class)
                .extracting(e -> ((ConfigException) e).describe()).asString()
                .startsWith(file + ":3: not valid JSON: ");
    }

    @Test
    void vigilsOwnFormatIsToldApartByItsShape() throws Exception {
        Path yaml = Files.writeString(dir.resolve("prices.yml"), """
                models:
                  tiny: { provider: test, input: 0.075, output: 0.3, batch_input: 0.0375, batch_output: 0.15 }
                """);
        PriceFile file = PriceFile.load(yaml, name -> null);
        assertThat(file.unusable()).isEmpty();
        assertThat(model(file, "tiny").batchOutput()).contains(new BigDecimal("0.15"));
        // Vigil's format written as JSON is still Vigil's format.
        Path json = Files.writeString(dir.resolve("prices-as.json"), "{\"models\": {\"tiny\": {\"input\": 0.075, \"output\": 0.3}}}");
        assertThat(model(PriceFile.load(json, name -> null), "tiny").output()).isEqualByComparingTo("0.3");
        Path typo = Files.writeString(dir.resolve("typo.yml"), "modles:\n  tiny: { input: 1, output: 2 }\n");
        assertThatThrownBy(() -> PriceFile.load(typo, name -> null)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown key");
    }
}
