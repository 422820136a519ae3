package dev.vigil.llm.otlp;

import dev.vigil.llm.RequestStatus;
import dev.vigil.llm.Tokens;
import dev.vigil.llm.UsageEvent;
import dev.vigil.llm.price.ProviderNames;
import dev.vigil.trace.TraceParent;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A GenAI client span read as one call, following the OpenTelemetry GenAI semantic conventions
 * (https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-spans/) and the older names instrumentations
 * still send. A span is a call when it carries token usage, whatever its name.
 *
 * @param event the call; {@link UsageEvent#batch()} when it went through a provider's batch API
 *              ({@code vigil.llm.batch=true}), priced at the batch prices
 * @param trace the span itself, as the exemplar of the counters the call moved
 */
record GenAiSpan(UsageEvent event, TraceParent trace) {
    static final List<String> INPUT = List.of("gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens");
    static final List<String> OUTPUT = List.of("gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens");
    /** The convention's name, then OpenLLMetry's older one. */
    static final List<String> CACHE_READ = List.of("gen_ai.usage.cache_read.input_tokens", "gen_ai.usage.cache_read_input_tokens");
    static final List<String> CACHE_WRITE = List.of("gen_ai.usage.cache_creation.input_tokens", "gen_ai.usage.cache_creation_input_tokens");
    static final String BATCH = "vigil.llm.batch";

    /**
     * The call the span records, or empty when it records none (no token usage attribute).
     *
     * @throws IllegalArgumentException when its usage attributes are not valid counts
     */
    static Optional<GenAiSpan> of(OtlpSpan span, Map<String, String> labelAttributes, Instant receivedAt) {
        Attributes a = span.attributes();
        if (INPUT.stream().noneMatch(a::has) && OUTPUT.stream().noneMatch(a::has)) {
            return Optional.empty();
        }
        UsageEvent event = new UsageEvent(provider(a), model(a), tokens(a), 1, status(span), duration(span), Optional.empty(),
                labels(a, span.resource(), labelAttributes), Optional.of(receivedAt), Boolean.TRUE.equals(a.values().get(BATCH)));
        return Optional.of(new GenAiSpan(event, new TraceParent(span.traceId(), span.spanId(), true)));
    }

    static Tokens tokens(Attributes a) {
        long input = first(a, INPUT);
        long output = first(a, OUTPUT);
        long read = first(a, CACHE_READ);
        long write = first(a, CACHE_WRITE);
        try {
            // The conventions count cached tokens inside input_tokens; a sender that reports more cached tokens
            // than input tokens followed Anthropic's API, whose input_tokens leaves them out.
            return Math.addExact(read, write) > input ? Tokens.fromAnthropic(input, output, read, write) : new Tokens(input, output, read, write);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("token counts too large to add up");
        }
    }

    private static long first(Attributes a, List<String> keys) {
        for (String key : keys) {
            OptionalLong n = a.count(key);
            if (n.isPresent()) {
                return n.getAsLong();
            }
        }
        return 0;
    }

    /** The conventions' provider names folded into Vigil's, as price files and pushes are ({@link ProviderNames}). */
    static String provider(Attributes a) {
        return ProviderNames.canonical(a.string("gen_ai.provider.name").or(() -> a.string("gen_ai.system")).orElse(""));
    }

    /** Error when the span says so or names an error type; rate limited when that error is HTTP 429. */
    private static RequestStatus status(OtlpSpan span) {
        Attributes a = span.attributes();
        Optional<String> errorType = a.text("error.type");
        if (span.statusCode() != OtlpSpan.STATUS_ERROR && errorType.isEmpty()) {
            return RequestStatus.OK;
        }
        String type = errorType.orElse("").toLowerCase(Locale.ROOT);
        boolean limited = type.equals("429") || type.contains("ratelimit") || type.contains("rate_limit")
                || a.text("http.response.status_code").filter("429"::equals).isPresent();
        return limited ? RequestStatus.RATE_LIMITED : RequestStatus.ERROR;
    }

    private static OptionalLong duration(OtlpSpan span) {
        long nanos = span.endNanos() - span.startNanos();
        return span.startNanos() > 0 && nanos >= 0 ? OptionalLong.of(nanos / 1_000_000) : OptionalLong.empty();
    }

    /** The model that answered, else the one asked for. */
    static String model(Attributes a) {
        return a.string("gen_ai.response.model").filter(m -> !m.isBlank()).or(() -> a.string("gen_ai.request.model")).orElse("");
    }

    /** Each configured label from the span's (or data point's) own attribute, else from its resource's. */
    static Map<String, String> labels(Attributes own, Attributes resource, Map<String, String> labelAttributes) {
        Map<String, String> labels = new HashMap<>();
        labelAttributes.forEach((label, attribute) -> own.text(attribute).or(() -> resource.text(attribute))
                .ifPresent(v -> labels.put(label, v)));
        return labels;
    }
}
