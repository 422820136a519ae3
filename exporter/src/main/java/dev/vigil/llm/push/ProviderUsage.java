package dev.vigil.llm.push;

import dev.vigil.llm.Tokens;
import dev.vigil.llm.push.UsageParser.Fields;
import java.util.Locale;

/**
 * A provider's own {@code usage} object, as its SDK returns it, in Vigil's convention (all input in
 * {@code input}, the cached and cache-written parts of it counted again in their own fields, everything billed
 * at the output price in {@code output}). Providers disagree on what their counts include:
 * <ul>
 *   <li>OpenAI Chat Completions and the APIs that copy it (Azure OpenAI, Mistral, Groq, DeepSeek, xAI):
 *       {@code prompt_tokens} includes {@code prompt_tokens_details.cached_tokens}; DeepSeek names the cached
 *       part {@code prompt_cache_hit_tokens}. OpenAI counts reasoning inside {@code completion_tokens}; xAI
 *       counts it beside, in {@code completion_tokens_details.reasoning_tokens}, and bills it as output.</li>
 *   <li>OpenAI Responses: {@code input_tokens} includes {@code input_tokens_details.cached_tokens}.</li>
 *   <li>Anthropic Messages: {@code input_tokens} leaves out {@code cache_read_input_tokens} and
 *       {@code cache_creation_input_tokens}.</li>
 *   <li>AWS Bedrock Converse: {@code inputTokens} leaves out {@code cacheReadInputTokens} and
 *       {@code cacheWriteInputTokens}, as Anthropic's does.</li>
 *   <li>Google Gemini {@code usageMetadata}: {@code promptTokenCount} includes {@code cachedContentTokenCount};
 *       {@code toolUsePromptTokenCount} is input beside it; {@code thoughtsTokenCount} is output beside
 *       {@code candidatesTokenCount}.</li>
 * </ul>
 * Other fields (totals, modality details, timings, service tier) are ignored.
 */
final class ProviderUsage {
    private ProviderUsage() {
    }

    static Tokens tokens(Fields u, String provider) throws InvalidUsage {
        if (u.has("prompt_tokens") || u.has("completion_tokens")) {
            return chatCompletions(u, provider);
        }
        if (u.has("promptTokenCount") || u.has("candidatesTokenCount")) {
            return new Tokens(Math.addExact(u.whole("promptTokenCount"), u.whole("toolUsePromptTokenCount")),
                    Math.addExact(u.whole("candidatesTokenCount"), u.whole("thoughtsTokenCount")), u.whole("cachedContentTokenCount"), 0);
        }
        if (u.has("inputTokens") || u.has("outputTokens")) {
            return Tokens.fromAnthropic(u.whole("inputTokens"), u.whole("outputTokens"), u.whole("cacheReadInputTokens"), u.whole("cacheWriteInputTokens"));
        }
        if (u.has("input_tokens_details")) {
            return new Tokens(u.whole("input_tokens"), u.whole("output_tokens"), u.nested("input_tokens_details").whole("cached_tokens"), 0);
        }
        if (u.has("input_tokens") || u.has("output_tokens")) {
            return Tokens.fromAnthropic(u.whole("input_tokens"), u.whole("output_tokens"),
                    u.whole("cache_read_input_tokens"), u.whole("cache_creation_input_tokens"));
        }
        throw new InvalidUsage(u.path(), "no token counts: expected OpenAI's prompt_tokens/completion_tokens, input_tokens/output_tokens,"
                + " Gemini's promptTokenCount/candidatesTokenCount or Bedrock's inputTokens/outputTokens");
    }

    private static Tokens chatCompletions(Fields u, String provider) throws InvalidUsage {
        long prompt = u.whole("prompt_tokens");
        long completion = u.whole("completion_tokens");
        long cached = u.has("prompt_cache_hit_tokens") ? u.whole("prompt_cache_hit_tokens") : u.nested("prompt_tokens_details").whole("cached_tokens");
        long reasoning = u.nested("completion_tokens_details").whole("reasoning_tokens");
        // xAI says so in its docs; its total_tokens shows it too, whichever name the application gives the provider.
        boolean reasoningBeside = provider.toLowerCase(Locale.ROOT).matches("xai|x_ai|x-ai|grok")
                || u.has("total_tokens") && reasoning > 0 && u.whole("total_tokens") == prompt + completion + reasoning;
        return new Tokens(prompt, reasoningBeside ? Math.addExact(completion, reasoning) : completion, cached, 0);
    }
}
