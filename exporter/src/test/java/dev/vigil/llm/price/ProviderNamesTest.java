package dev.vigil.llm.price;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProviderNamesTest {
    @Test
    void spellingsOfOneProviderFoldToOneName() {
        // LiteLLM's litellm_provider values, OpenTelemetry's gen_ai.provider.name values, and what applications push.
        assertThat(ProviderNames.canonical("gemini")).isEqualTo("google");
        assertThat(ProviderNames.canonical("gcp.gemini")).isEqualTo("google");
        assertThat(ProviderNames.canonical("vertex_ai-language-models")).isEqualTo("vertex_ai");
        assertThat(ProviderNames.canonical("gcp.vertex_ai")).isEqualTo("vertex_ai");
        assertThat(ProviderNames.canonical("bedrock_converse")).isEqualTo("bedrock");
        assertThat(ProviderNames.canonical("aws.bedrock")).isEqualTo("bedrock");
        assertThat(ProviderNames.canonical("azure.ai.openai")).isEqualTo("azure");
        assertThat(ProviderNames.canonical("mistral_ai")).isEqualTo("mistral");
        assertThat(ProviderNames.canonical("x_ai")).isEqualTo("xai");
        assertThat(ProviderNames.canonical(" OpenAI ")).isEqualTo("openai");
        assertThat(ProviderNames.canonical("deepseek")).isEqualTo("deepseek");
        assertThat(ProviderNames.canonical("")).isEqualTo("");
    }
}
