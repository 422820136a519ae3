package dev.vigil.support;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporterBuilder;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import io.opentelemetry.exporter.otlp.internal.HttpExporterBuilder;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.AggregationTemporalitySelector;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * An application instrumented with the OpenTelemetry Java SDK, exporting to Vigil with the SDK's own OTLP/HTTP
 * exporters, in protobuf or JSON. The SDK keeps its JSON switch internal ({@code exportAsJson} on the builder
 * inside the public one), so it is turned on by reflection: the bytes on the wire are still the SDK's.
 */
public final class SdkSender implements AutoCloseable {
    /** Kept so that the logger, and the handler on it, outlive a garbage collection. */
    private static final Logger EXPORTER_LOG = Logger.getLogger("io.opentelemetry.exporter");
    /** The last records, oldest first: failsafe runs every IT in one JVM, and earlier tests' failures are not this one's. */
    private static final ConcurrentLinkedQueue<Failure> EXPORT_FAILURES = new ConcurrentLinkedQueue<>();
    private static final int KEPT_FAILURES = 50;

    private record Failure(long atMillis, String text) {
    }

    static {
        // The SDK says why an export failed only in its log; a test that sees a failed flush prints this instead.
        EXPORTER_LOG.addHandler(new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                    keep(new Failure(r.getMillis(), r.getLoggerName() + ": " + r.getMessage()
                            + (r.getThrown() == null ? "" : " (" + r.getThrown() + ")")));
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
    }

    private final SdkTracerProvider tracer;
    private final SdkMeterProvider meter;

    /** @param encoding protobuf or json, with +gzip for compressed bodies */
    public SdkSender(String baseUrl, String encoding, Resource resource, boolean deltaMetrics, String... headers) {
        OtlpHttpSpanExporterBuilder spans = OtlpHttpSpanExporter.builder().setEndpoint(baseUrl + "/v1/traces");
        OtlpHttpMetricExporterBuilder metrics = OtlpHttpMetricExporter.builder().setEndpoint(baseUrl + "/v1/metrics")
                .setAggregationTemporalitySelector(deltaMetrics ? AggregationTemporalitySelector.deltaPreferred()
                        : AggregationTemporalitySelector.alwaysCumulative());
        for (int i = 0; i < headers.length; i += 2) {
            spans.addHeader(headers[i], headers[i + 1]);
            metrics.addHeader(headers[i], headers[i + 1]);
        }
        if (encoding.endsWith("+gzip")) {
            spans.setCompression("gzip");
            metrics.setCompression("gzip");
        }
        if (encoding.startsWith("json")) {
            asJson(spans, OtlpHttpSpanExporterBuilder.class);
            asJson(metrics, OtlpHttpMetricExporterBuilder.class);
        }
        this.tracer = SdkTracerProvider.builder().setResource(resource).addSpanProcessor(SimpleSpanProcessor.create(recorded(spans.build()))).build();
        this.meter = SdkMeterProvider.builder().setResource(resource)
                .registerMetricReader(PeriodicMetricReader.builder(metrics.build()).setInterval(Duration.ofHours(1)).build()).build();
    }

    /**
     * The exporter, with each failed export's reason kept beside the SDK's log: the log is throttled across the
     * JVM, and a flush's own result does not carry the reasons of the exports it waited for.
     */
    private static SpanExporter recorded(SpanExporter exporter) {
        return new SpanExporter() {
            @Override
            public CompletableResultCode export(Collection<SpanData> spans) {
                CompletableResultCode result = exporter.export(spans);
                result.whenComplete(() -> {
                    if (!result.isSuccess()) {
                        Throwable why = result.getFailureThrowable();
                        keep(new Failure(System.currentTimeMillis(), "export of " + spans.size() + " span(s) failed: "
                                + (why == null ? "no reason given" : why + (why.getCause() == null ? "" : " caused by " + why.getCause()))));
                    }
                });
                return result;
            }

            @Override
            public CompletableResultCode flush() {
                return exporter.flush();
            }

            @Override
            public CompletableResultCode shutdown() {
                return exporter.shutdown();
            }
        };
    }

    private static void keep(Failure failure) {
        EXPORT_FAILURES.add(failure);
        while (EXPORT_FAILURES.size() > KEPT_FAILURES) {
            EXPORT_FAILURES.poll();
        }
    }

    public static Resource resource(String service, String instance, Map<String, String> extra) {
        var attributes = Attributes.builder().put("service.name", service).put("service.instance.id", instance);
        extra.forEach(attributes::put);
        return Resource.create(attributes.build());
    }

    /** Ends a client span with these attributes (strings and longs) and returns its trace id. */
    public String span(String name, boolean error, Object... attributes) {
        SpanBuilder builder = tracer.get("vigil-test").spanBuilder(name).setSpanKind(SpanKind.CLIENT);
        for (int i = 0; i < attributes.length; i += 2) {
            if (attributes[i + 1] instanceof Long n) {
                builder.setAttribute(AttributeKey.longKey((String) attributes[i]), n);
            } else if (attributes[i + 1] instanceof Boolean b) {
                builder.setAttribute(AttributeKey.booleanKey((String) attributes[i]), b);
            } else {
                builder.setAttribute((String) attributes[i], (String) attributes[i + 1]);
            }
        }
        Span span = builder.startSpan();
        if (error) {
            span.setStatus(StatusCode.ERROR);
        }
        span.end();
        return span.getSpanContext().getTraceId();
    }

    /** Records on the {@code gen_ai.client.token.usage} histogram, as the GenAI instrumentations do. */
    public void tokens(long tokens, String type, String model, String provider) {
        meter.get("vigil-test").histogramBuilder("gen_ai.client.token.usage").ofLongs().setUnit("{token}").build()
                .record(tokens, Attributes.builder().put("gen_ai.token.type", type).put("gen_ai.request.model", model)
                        .put("gen_ai.provider.name", provider).put("gen_ai.operation.name", "chat").build());
    }

    /** Exports what is pending now, and fails the test, with what the SDK logged, unless Vigil answered with success. */
    public void flushSpans() {
        done("spans", tracer::forceFlush);
    }

    public void flushMetrics() {
        done("metrics", meter::forceFlush);
    }

    /** What the SDK logged about failed exports since this time (epoch ms), oldest first, for a test's failure message. */
    private static List<String> exportFailuresSince(long millis) {
        return EXPORT_FAILURES.stream().filter(f -> f.atMillis() >= millis).map(Failure::text).toList();
    }

    private static void done(String what, java.util.function.Supplier<CompletableResultCode> flush) {
        long start = System.currentTimeMillis();
        CompletableResultCode result = flush.get().join(20, TimeUnit.SECONDS);
        if (!result.isSuccess()) {
            // A flush that has not finished in 20 s is not done either: the duration tells the two apart.
            throw new AssertionError("Vigil did not accept an export of " + what + " (the flush returned after "
                    + (System.currentTimeMillis() - start) + " ms, done: " + result.isDone() + "); the SDK logged, and the span exports failed with: "
                    + exportFailuresSince(start), result.getFailureThrowable());
        }
    }

    private static void asJson(Object builder, Class<?> type) {
        try {
            var delegate = type.getDeclaredField("delegate");
            delegate.setAccessible(true);
            ((HttpExporterBuilder) delegate.get(builder)).exportAsJson();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this OpenTelemetry SDK version keeps its JSON switch elsewhere", e);
        }
    }

    @Override
    public void close() {
        tracer.close();
        meter.close();
    }
}
