package dev.vigil.llm.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.llm.RequestStatus;
import dev.vigil.llm.Tokens;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GenAiSpanTest {
    private static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");
    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

    @Test
    void aSpanWithoutTokenUsageIsNoCall() {
        assertThat(GenAiSpan.of(span(0, Map.of("gen_ai.request.model", "gpt-4o", "gen_ai.operation.name", "chat")), Map.of(), NOW)).isEmpty();
    }

    @Test
    void theConventionsNamesAndTheSpansOwnTraceAndTimes() {
        GenAiSpan call = GenAiSpan.of(span(0, Map.of("gen_ai.provider.name", "az.ai.openai", "gen_ai.request.model", "gpt-4o",
                "gen_ai.response.model", "gpt-4o-2024-08-06", "gen_ai.usage.input_tokens", 1000L, "gen_ai.usage.output_tokens", 20L,
                "gen_ai.usage.cache_read.input_tokens", 600L, "gen_ai.usage.cache_creation.input_tokens", 100L, "app.tenant_id", "acme")),
                Map.of("tenant", "app.tenant_id", "region", "cloud.region"), NOW).orElseThrow();
        assertThat(call.event().provider()).isEqualTo("azure");
        assertThat(call.event().model()).isEqualTo("gpt-4o-2024-08-06");
        assertThat(call.event().tokens()).isEqualTo(new Tokens(1000, 20, 600, 100));
        assertThat(call.event().status()).isEqualTo(RequestStatus.OK);
        assertThat(call.event().durationMillis()).hasValue(850);
        assertThat(call.event().labels()).isEqualTo(Map.of("tenant", "acme", "region", "eu-west-1"));
        assertThat(call.trace().traceId()).isEqualTo(TRACE);
        assertThat(call.event().batch()).isFalse();
    }

    @Test
    void olderNamesAndAnInputCountThatLeavesTheCacheOut() {
        GenAiSpan call = GenAiSpan.of(span(0, Map.of("gen_ai.system", "anthropic", "gen_ai.request.model", "claude-haiku-4-5",
                "gen_ai.usage.prompt_tokens", 100L, "gen_ai.usage.completion_tokens", 50L, "gen_ai.usage.cache_read_input_tokens", 1000L,
                "gen_ai.usage.cache_creation_input_tokens", 30L, "vigil.llm.batch", true)), Map.of(), NOW).orElseThrow();
        assertThat(call.event().tokens()).isEqualTo(new Tokens(1130, 50, 1000, 30));
        assertThat(call.event().batch()).isTrue();
    }

    @Test
    void cachedCountsThatOverflowWhenAddedAreRefused() {
        // Read plus write wraps to a negative sum: it must not pass for "within input_tokens".
        assertThatThrownBy(() -> GenAiSpan.of(span(0, Map.of("gen_ai.usage.input_tokens", 10L, "gen_ai.usage.cache_read.input_tokens",
                Long.MAX_VALUE, "gen_ai.usage.cache_creation.input_tokens", 1L)), Map.of(), NOW))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("token counts too large to add up");
    }

    @Test
    void countsAsJavaScriptAndStringsSendThem() {
        GenAiSpan call = GenAiSpan.of(span(0, Map.of("gen_ai.usage.input_tokens", 12.0, "gen_ai.usage.output_tokens", "7")), Map.of(), NOW)
                .orElseThrow();
        assertThat(call.event().tokens()).isEqualTo(new Tokens(12, 7, 0, 0));
        assertThat(call.event().provider()).isEmpty();
        for (Object bad : new Object[] {-1L, 1.5, "12x", true, Double.NaN}) {
            assertThatThrownBy(() -> GenAiSpan.of(span(0, Map.of("gen_ai.usage.input_tokens", bad)), Map.of(), NOW))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gen_ai.usage.input_tokens");
        }
    }

    @Test
    void statusFromTheSpanAndErrorType() {
        assertThat(status(OtlpSpan.STATUS_ERROR, Map.of())).isEqualTo(RequestStatus.ERROR);
        assertThat(status(0, Map.of("error.type", "timeout"))).isEqualTo(RequestStatus.ERROR);
        assertThat(status(OtlpSpan.STATUS_ERROR, Map.of("error.type", "RateLimitError"))).isEqualTo(RequestStatus.RATE_LIMITED);
        assertThat(status(OtlpSpan.STATUS_ERROR, Map.of("error.type", "429"))).isEqualTo(RequestStatus.RATE_LIMITED);
        assertThat(status(OtlpSpan.STATUS_ERROR, Map.of("http.response.status_code", 429L))).isEqualTo(RequestStatus.RATE_LIMITED);
        assertThat(status(1, Map.of())).isEqualTo(RequestStatus.OK);
    }

    @Test
    void providerNamesOfTheConventions() {
        Map<String, String> expected = Map.of("openai", "openai", "aws.bedrock", "bedrock", "gcp.gemini", "google", "gcp.vertex_ai", "vertex_ai",
                "mistral_ai", "mistral", "x_ai", "xai", "DeepSeek", "deepseek");
        expected.forEach((sent, vigil) -> assertThat(GenAiSpan.provider(new Attributes(Map.of("gen_ai.provider.name", sent)))).isEqualTo(vigil));
        // The current name wins over the older one.
        assertThat(GenAiSpan.provider(new Attributes(Map.of("gen_ai.provider.name", "anthropic", "gen_ai.system", "openai")))).isEqualTo("anthropic");
    }

    private static RequestStatus status(int code, Map<String, Object> extra) {
        Map<String, Object> attributes = new HashMap<>(extra);
        attributes.put("gen_ai.usage.input_tokens", 1L);
        return GenAiSpan.of(span(code, attributes), Map.of(), NOW).orElseThrow().event().status();
    }

    private static OtlpSpan span(int status, Map<String, Object> attributes) {
        long start = 1_764_936_000_000_000_000L;
        return new OtlpSpan(new Attributes(Map.of("service.name", "chat-api", "cloud.region", "eu-west-1")), new Attributes(attributes),
                TRACE, "00f067aa0ba902b7", start, start + 850_400_000L, status);
    }
}
