package dev.vigil.trace;

import io.opentelemetry.api.trace.Span;
import io.prometheus.metrics.tracer.common.SpanContext;

/** Tells the Prometheus registry which span is current, so histograms can keep its trace id as an exemplar. */
public final class ExemplarSpans implements SpanContext {
    @Override
    public String getCurrentTraceId() {
        return valid() ? Span.current().getSpanContext().getTraceId() : null;
    }

    @Override
    public String getCurrentSpanId() {
        return valid() ? Span.current().getSpanContext().getSpanId() : null;
    }

    @Override
    public boolean isCurrentSpanSampled() {
        return valid() && Span.current().getSpanContext().isSampled();
    }

    @Override
    public void markCurrentSpanAsExemplar() {
        Span.current().setAttribute(EXEMPLAR_ATTRIBUTE_NAME, EXEMPLAR_ATTRIBUTE_VALUE);
    }

    private static boolean valid() {
        return Span.current().getSpanContext().isValid();
    }
}
