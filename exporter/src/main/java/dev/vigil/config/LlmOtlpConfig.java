package dev.vigil.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code llm.otlp}: OpenTelemetry GenAI telemetry taken in on {@code /v1/traces} and {@code /v1/metrics}.
 *
 * @param labelAttributes attribution label name to the span or resource attribute that carries its value
 * @param tokenMetrics    when {@code gen_ai.client.token.usage} metrics count, so no call is counted twice
 */
public record LlmOtlpConfig(boolean enabled, Map<String, String> labelAttributes, TokenMetrics tokenMetrics) {
    public static final LlmOtlpConfig OFF = new LlmOtlpConfig(false, Map.of(), TokenMetrics.UNLESS_SPANS);

    /** Which of a sender's two records of the same calls Vigil counts. */
    public enum TokenMetrics {
        /** A sender's token metrics count until a span with GenAI usage arrives from it; from then on its spans count. */
        UNLESS_SPANS,
        /** Spans only; token metrics are never counted. */
        IGNORE,
        /** Token metrics only; spans never add usage (for senders that sample their spans). */
        ONLY;

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public LlmOtlpConfig {
        labelAttributes = Map.copyOf(labelAttributes);
    }

    static LlmOtlpConfig read(YamlSection section, List<String> labels) throws ConfigException {
        boolean enabled = section.bool("enabled", true);
        Map<String, String> attributes = new LinkedHashMap<>();
        for (Map.Entry<String, YamlSection> label : section.namedSections("labels", "like tenant: {attribute: app.tenant_id}").entrySet()) {
            if (!labels.contains(label.getKey())) {
                throw section.section("labels").orElseThrow().error(label.getKey(),
                        "is not an attribution label; list " + label.getKey() + " under llm.labels first");
            }
            // Unknown keys first, so a misspelt attribute: gets its did-you-mean rather than "is required".
            Optional<String> attribute = label.getValue().string("attribute");
            label.getValue().finish();
            attributes.put(label.getKey(), attribute.orElseThrow(() -> label.getValue().error("attribute",
                    "is required: the span, data point or resource attribute whose value fills label " + label.getKey())));
        }
        String metrics = section.string("token_metrics", TokenMetrics.UNLESS_SPANS.key());
        section.finish();
        for (TokenMetrics t : TokenMetrics.values()) {
            if (t.key().equals(metrics)) {
                return new LlmOtlpConfig(enabled, attributes, t);
            }
        }
        throw section.error("token_metrics", "expected unless_spans, ignore or only, got '" + metrics + "'");
    }

    String summary() {
        return "llm: OTLP " + (enabled ? "on /v1/traces and /v1/metrics, token metrics " + tokenMetrics.key()
                + (labelAttributes.isEmpty() ? "" : ", labels from attributes " + labelAttributes) : "off");
    }
}
