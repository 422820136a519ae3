package dev.vigil.llm.price;

import dev.vigil.config.PriceFile.ModelPrice;
import dev.vigil.config.PriceFile.Tier;
import dev.vigil.llm.Tokens;
import dev.vigil.llm.UsageEvent;
import java.math.BigDecimal;
import java.util.Optional;

/**
 * The prices per million tokens one piece of usage is charged at, by the rules providers bill by:
 * <ul>
 *   <li>input read from the provider's cache at the cache-read price and input written to it at the
 *       cache-write price, each instead of the input price, never in addition to it (absent, the input price);</li>
 *   <li>a call made through the provider's batch API at the model's batch prices for input and output (cache
 *       reads and writes keep their prices, since price lists give none for batches);</li>
 *   <li>a single call whose input tokens, cached ones included, exceed a tier's threshold at that tier's prices
 *       for all its tokens (Anthropic's and Google's long-context prices). Usage that adds up several calls
 *       (a counter's growth, a report bucket) cannot be told apart by size and keeps the standard prices.</li>
 * </ul>
 */
record CallPrice(BigDecimal input, BigDecimal output, Optional<BigDecimal> cachedInput, Optional<BigDecimal> cacheWrite) {

    static CallPrice of(ModelPrice p, UsageEvent usage) {
        if (usage.batch() && (p.batchInput().isPresent() || p.batchOutput().isPresent())) {
            return new CallPrice(p.batchInput().orElse(p.input()), p.batchOutput().orElse(p.output()), p.cachedInput(), p.cacheWrite());
        }
        CallPrice price = new CallPrice(p.input(), p.output(), p.cachedInput(), p.cacheWrite());
        if (usage.requests() == 1) {
            for (Tier tier : p.tiers()) {
                if (usage.tokens().input() > tier.aboveInputTokens()) {
                    price = new CallPrice(tier.input(), tier.output(), tier.cachedInput(), tier.cacheWrite());
                }
            }
        }
        return price;
    }

    /** Exact dollars: integer tokens times decimal prices, summed, moved six places; never a double. */
    BigDecimal cost(Tokens t) {
        BigDecimal perMillion = input.multiply(BigDecimal.valueOf(t.uncachedInput()))
                .add(cachedInput.orElse(input).multiply(BigDecimal.valueOf(t.cachedInput())))
                .add(cacheWrite.orElse(input).multiply(BigDecimal.valueOf(t.cacheWrite())))
                .add(output.multiply(BigDecimal.valueOf(t.output())));
        return perMillion.movePointLeft(6);
    }
}
