package dev.vigil.llm.price;

import java.util.Locale;

/**
 * One name per provider for price lookups. Price files, pushed calls and OpenTelemetry spell providers
 * differently ({@code gemini}, {@code google}, {@code gcp.gemini}; {@code bedrock_converse},
 * {@code aws.bedrock}; {@code x_ai}, {@code xai}); a model's price is found under any of its provider's names.
 * Names not listed here are their own, lower-cased. The OTLP ingest path labels its calls with these names too.
 */
public final class ProviderNames {
    private ProviderNames() {
    }

    public static String canonical(String provider) {
        String name = provider.trim().toLowerCase(Locale.ROOT);
        // LiteLLM splits Vertex AI and Bedrock by API (vertex_ai-language-models, bedrock_converse); one price each.
        if (name.startsWith("vertex_ai") || name.equals("gcp.vertex_ai")) {
            return "vertex_ai";
        }
        if (name.startsWith("bedrock") || name.equals("aws.bedrock")) {
            return "bedrock";
        }
        if (name.startsWith("azure") || name.startsWith("az.ai.")) {
            return "azure";
        }
        return switch (name) {
            case "gemini", "gcp.gemini", "gcp.gen_ai", "google.ai.studio", "google" -> "google";
            case "text-completion-openai" -> "openai";
            case "mistral_ai", "codestral", "text-completion-codestral" -> "mistral";
            case "x_ai" -> "xai";
            case "ibm.watsonx.ai", "ibm.watson.ai" -> "watsonx";
            default -> name;
        };
    }
}
