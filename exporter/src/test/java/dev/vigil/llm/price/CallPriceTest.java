package dev.vigil.llm.price;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.config.PriceFile;
import dev.vigil.llm.RequestStatus;
import dev.vigil.llm.Tokens;
import dev.vigil.llm.UsageEvent;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The pricing rules, in exact dollars, with the LiteLLM price map excerpt (test resource prices/) as llm.prices_file. */
class CallPriceTest {
    private final PriceTable table;

    CallPriceTest() throws Exception {
        Path excerpt = Path.of(CallPriceTest.class.getResource("/prices/litellm-excerpt.json").toURI());
        table = PriceTable.load(Optional.of(PriceFile.load(excerpt, name -> null)));
    }

    private BigDecimal cost(String provider, String model, Tokens tokens, long requests, boolean batch) {
        return table.cost(new UsageEvent(provider, model, tokens, requests, RequestStatus.OK, OptionalLong.empty(), Optional.empty(),
                Map.of(), Optional.empty(), batch)).orElseThrow(() -> new AssertionError("no price for " + provider + "/" + model));
    }

    private BigDecimal call(String provider, String model, Tokens tokens) {
        return cost(provider, model, tokens, 1, false);
    }

    @Test
    void cachedInputIsChargedAtTheCachedRateAndNeverAlsoAsInput() {
        // gpt-4o-mini: 600 uncached x 0.15 + 400 cached x 0.075 + 200 x 0.60 per million
        assertThat(call("openai", "gpt-4o-mini", new Tokens(1000, 200, 400, 0))).isEqualByComparingTo("0.00024");
        // claude-haiku-4-5 from Anthropic's usage: 100 x 1 + 3000 read x 0.10 + 500 written x 1.25 + 50 x 5
        assertThat(call("anthropic", "claude-haiku-4-5", Tokens.fromAnthropic(100, 50, 3000, 500))).isEqualByComparingTo("0.001275");
        // Bedrock's Nova 2 Lite has a cache-read price and no cache-write price: written tokens cost the input price.
        // 1000 uncached x 0.3 + 2000 read x 0.075 + 500 written x 0.3 + 100 x 2.5
        assertThat(call("bedrock", "amazon.nova-2-lite-v1:0", Tokens.fromAnthropic(1000, 100, 2000, 500))).isEqualByComparingTo("0.00085");
    }

    @Test
    void batchCallsAreChargedAtTheBatchRate() {
        Tokens t = new Tokens(1000, 200, 400, 0);
        // 600 x 0.075 batch input + 400 cached x 0.075 (the cache price; there is no batch one) + 200 x 0.30 batch output
        assertThat(cost("openai", "gpt-4o-mini", t, 1, true)).isEqualByComparingTo("0.000135");
        // Llama 4 Scout on Bedrock: 10000 x 0.085 + 2000 x 0.33
        assertThat(cost("bedrock", "meta.llama4-scout-17b-instruct-v1:0", new Tokens(10_000, 2000, 0, 0), 1, true)).isEqualByComparingTo("0.00151");
        // A model without batch prices is charged its standard prices: 1000 x 2 + 200 x 8 (Jamba 1.5 Large)
        assertThat(cost("bedrock", "ai21.jamba-1-5-large-v1:0", new Tokens(1000, 200, 0, 0), 1, true)).isEqualByComparingTo("0.0036");
    }

    @Test
    void aCallAboveTheContextThresholdIsChargedTheTierPricesForAllItsTokens() {
        // claude-4-sonnet: 200,000 input tokens are not above 200k: 200000 x 3 + 1000 x 15
        assertThat(call("anthropic", "claude-4-sonnet-20250514", new Tokens(200_000, 1000, 0, 0))).isEqualByComparingTo("0.615");
        // one more token and every token is at the long-context price: 200001 x 6 + 1000 x 22.5
        assertThat(call("anthropic", "claude-4-sonnet-20250514", new Tokens(200_001, 1000, 0, 0))).isEqualByComparingTo("1.222506");
        // the threshold counts cached input too, as Anthropic bills: 150000 uncached + 50000 read + 20000 written = 220000
        // 150000 x 6 + 50000 x 0.6 + 20000 x 7.5 + 1000 x 22.5
        assertThat(call("anthropic", "claude-4-sonnet-20250514", Tokens.fromAnthropic(150_000, 1000, 50_000, 20_000))).isEqualByComparingTo("1.1025");
        // gemini-2.5-pro: 300000 prompt of which 100000 cached, 2000 out: 200000 x 2.5 + 100000 x 0.25 + 2000 x 15
        assertThat(call("vertex_ai", "gemini-2.5-pro", new Tokens(300_000, 2000, 100_000, 0))).isEqualByComparingTo("0.555");
    }

    @Test
    void usageAddingUpSeveralCallsKeepsTheStandardPrices() {
        // Two calls' growth of a counter: 250,000 input tokens in all says nothing about either call's size.
        assertThat(cost("anthropic", "claude-4-sonnet-20250514", new Tokens(250_000, 0, 0, 0), 2, false)).isEqualByComparingTo("0.75");
        assertThat(cost("anthropic", "claude-4-sonnet-20250514", new Tokens(250_000, 0, 0, 0), 0, false)).isEqualByComparingTo("0.75");
    }

    @Test
    void aProvidersOwnEntryIsFoundByTheNameItsApiAnswersWith() {
        // The map writes cerebras/llama-3.3-70b; Cerebras answers llama-3.3-70b. 1000 x 0.85 + 1000 x 1.2
        assertThat(call("cerebras", "llama-3.3-70b", new Tokens(1000, 1000, 0, 0))).isEqualByComparingTo("0.00205");
        // Another provider's price is not borrowed for the same model name.
        assertThat(table.find("groq", "llama-3.3-70b")).isEmpty();
        // bedrock_converse, bedrock and OpenTelemetry's aws.bedrock are one provider.
        assertThat(table.find("aws.bedrock", "amazon.nova-2-lite-v1:0")).map(PriceFile.ModelPrice::model).contains("amazon.nova-2-lite-v1:0");
        assertThat(table.find("bedrock", "us.anthropic.claude-3-5-haiku-20241022-v1:0"))
                .map(PriceFile.ModelPrice::model).contains("bedrock/us.anthropic.claude-3-5-haiku-20241022-v1:0");
        // A LiteLLM entry of a model the built-in table also prices overrides it, as prices_file entries do.
        assertThat(table.find("openai", "gpt-4o-mini").orElseThrow().batchInput()).contains(new BigDecimal("0.075"));
    }
}
