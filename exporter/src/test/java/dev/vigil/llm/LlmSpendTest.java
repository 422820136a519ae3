package dev.vigil.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.config.PriceFile;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LlmSpendTest {
    @Test
    void unusablePriceEntriesAreCountedByReasonInOneLineWithAFewNames() {
        PriceFile file = new PriceFile("prices.json", Optional.empty(), List.of(), Map.of(
                "no price", List.of("a"),
                "priced per image, pixel, second, character or query, not per token", List.of("img-1", "img-2", "img-3", "img-4", "img-5")));
        assertThat(LlmSpend.unusable(file)).isEqualTo("6 entries of prices.json cannot price calls and are left out: 1 no price (a);"
                + " 5 priced per image, pixel, second, character or query, not per token (img-1, img-2, img-3, ...)");
    }
}
