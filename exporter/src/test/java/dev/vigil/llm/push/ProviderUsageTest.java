package dev.vigil.llm.push;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.llm.Tokens;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Each provider's usage object, shaped as its API returns it, in Vigil's convention: Tokens(input, output, cached, cache write). */
class ProviderUsageTest {
    private static Tokens pushed(String provider, String usage) throws InvalidUsage {
        String body = "{\"provider\":\"" + provider + "\",\"model\":\"m\",\"usage\":" + usage + "}";
        return UsageParser.json(body, Instant.EPOCH).get(0).tokens();
    }

    @Test
    void geminiPromptIncludesTheCacheAndThoughtsAreOutput() throws InvalidUsage {
        // generateContent's usageMetadata: totalTokenCount = prompt + candidates + thoughts
        assertThat(pushed("google", """
                {"promptTokenCount": 12034, "candidatesTokenCount": 412, "totalTokenCount": 13530,
                 "cachedContentTokenCount": 8192, "thoughtsTokenCount": 1084,
                 "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 12034}],
                 "cacheTokensDetails": [{"modality": "TEXT", "tokenCount": 8192}]}"""))
                .isEqualTo(new Tokens(12034, 1496, 8192, 0));
        // Tool-use prompt tokens are input beside the prompt: total = 100 + 20 + 300
        assertThat(pushed("gcp.vertex_ai", """
                {"promptTokenCount": 100, "candidatesTokenCount": 20, "toolUsePromptTokenCount": 300, "totalTokenCount": 420}"""))
                .isEqualTo(new Tokens(400, 20, 0, 0));
    }

    @Test
    void bedrockConverseInputLeavesTheCacheOut() throws InvalidUsage {
        // Converse's usage: totalTokens = input + output + cache read + cache write
        assertThat(pushed("aws.bedrock", """
                {"inputTokens": 12, "outputTokens": 430, "totalTokens": 3542, "cacheReadInputTokens": 3000, "cacheWriteInputTokens": 100}"""))
                .isEqualTo(new Tokens(3112, 430, 3000, 100));
    }

    @Test
    void openAiCompatibleProvidersWithTheirOwnFields() throws InvalidUsage {
        // Azure OpenAI: OpenAI's shape; reasoning is inside completion_tokens (total = prompt + completion).
        assertThat(pushed("azure", """
                {"completion_tokens": 250, "prompt_tokens": 1200, "total_tokens": 1450,
                 "completion_tokens_details": {"accepted_prediction_tokens": 0, "audio_tokens": 0, "reasoning_tokens": 128, "rejected_prediction_tokens": 0},
                 "prompt_tokens_details": {"audio_tokens": 0, "cached_tokens": 1024}}"""))
                .isEqualTo(new Tokens(1200, 250, 1024, 0));
        // DeepSeek names the cached part prompt_cache_hit_tokens.
        assertThat(pushed("deepseek", """
                {"prompt_tokens": 1500, "completion_tokens": 300, "total_tokens": 1800,
                 "prompt_cache_hit_tokens": 1280, "prompt_cache_miss_tokens": 220,
                 "completion_tokens_details": {"reasoning_tokens": 120}}"""))
                .isEqualTo(new Tokens(1500, 300, 1280, 0));
        // Groq adds timings (seconds, fractional) to the usage object; they are not tokens.
        assertThat(pushed("groq", """
                {"queue_time": 0.037, "prompt_tokens": 18, "prompt_time": 0.00068, "completion_tokens": 556,
                 "completion_time": 0.463, "total_tokens": 574, "total_time": 0.464}"""))
                .isEqualTo(new Tokens(18, 556, 0, 0));
        assertThat(pushed("mistral", """
                {"prompt_tokens": 16, "total_tokens": 34, "completion_tokens": 18, "prompt_audio_seconds": null}"""))
                .isEqualTo(new Tokens(16, 18, 0, 0));
    }

    @Test
    void xaiCountsReasoningBesideCompletionAndBillsItAsOutput() throws InvalidUsage {
        String grok = """
                {"prompt_tokens": 10120, "completion_tokens": 1499, "total_tokens": 14428,
                 "prompt_tokens_details": {"text_tokens": 10120, "audio_tokens": 0, "image_tokens": 0, "cached_tokens": 128},
                 "completion_tokens_details": {"reasoning_tokens": 2809, "audio_tokens": 0,
                                               "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0},
                 "num_sources_used": 0}""";
        assertThat(pushed("xai", grok)).isEqualTo(new Tokens(10120, 4308, 128, 0));
        // Under another provider name (a gateway), total_tokens still shows that reasoning came beside completion.
        assertThat(pushed("openrouter", grok)).isEqualTo(new Tokens(10120, 4308, 128, 0));
        // Without total_tokens, the provider's name decides.
        assertThat(pushed("xai", "{\"prompt_tokens\": 32, \"completion_tokens\": 9, \"completion_tokens_details\": {\"reasoning_tokens\": 94}}"))
                .isEqualTo(new Tokens(32, 103, 0, 0));
    }

    @Test
    void batchIsAFlag() throws InvalidUsage {
        String call = "{\"provider\":\"openai\",\"model\":\"gpt-4o-mini\",\"input_tokens\":1,\"batch\":";
        assertThat(UsageParser.json(call + "true}", Instant.EPOCH).get(0).batch()).isTrue();
        assertThat(UsageParser.json(call + "false}", Instant.EPOCH).get(0).batch()).isFalse();
        assertThat(UsageParser.json("{\"provider\":\"openai\",\"model\":\"m\",\"input_tokens\":1}", Instant.EPOCH).get(0).batch()).isFalse();
        try {
            UsageParser.json(call + "\"yes\"}", Instant.EPOCH);
            throw new AssertionError("accepted a string as batch");
        } catch (InvalidUsage e) {
            assertThat(e.describe()).isEqualTo("$.batch: expected true or false, got a string");
        }
    }
}
