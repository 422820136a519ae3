package dev.vigil.trace;

import dev.vigil.config.Redaction;
import dev.vigil.config.TracingConfig;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Vigil's own traces. Off by default: then every method is a no-op on OpenTelemetry's no-op API, with no
 * exporter thread and no connection. On, it is the OpenTelemetry SDK configured from the YAML and the
 * standard {@code OTEL_*} variables (which win), exporting over OTLP.
 */
public final class Tracing {
    public static final AttributeKey<String> SOURCE_KIND = AttributeKey.stringKey("vigil.source.kind");
    public static final AttributeKey<String> SOURCE_NAME = AttributeKey.stringKey("vigil.source.name");
    public static final AttributeKey<Long> POLL_ITEMS = AttributeKey.longKey("vigil.poll.items");
    public static final AttributeKey<String> POLL_OUTCOME = AttributeKey.stringKey("vigil.poll.outcome");
    /** Marks the spans of finished BullMQ jobs, which {@link JobAwareSampler} samples at their own ratio. */
    static final AttributeKey<Boolean> JOB_SPAN = AttributeKey.booleanKey("vigil.job_span");

    private final OpenTelemetry otel;
    private final OpenTelemetrySdk sdk;
    private final Tracer tracer;
    private final double jobSampleRatio;

    private Tracing(OpenTelemetry otel, OpenTelemetrySdk sdk, double jobSampleRatio) {
        this.otel = otel;
        this.sdk = sdk;
        this.tracer = otel.getTracer("dev.vigil");
        this.jobSampleRatio = jobSampleRatio;
    }

    public static Tracing off() {
        return new Tracing(OpenTelemetry.noop(), null, 0);
    }

    /** On when the YAML has a tracing section (not disabled) or an OTLP endpoint is set in the environment. */
    public static Tracing start(TracingConfig config, Map<String, String> env, String version) {
        rememberHeaderSecrets(env);
        boolean fromEnv = env.containsKey("OTEL_EXPORTER_OTLP_ENDPOINT") || env.containsKey("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
        boolean explicitlyOff = config != TracingConfig.OFF && !config.enabled();
        if (explicitlyOff || !(config.enabled() || fromEnv) || "true".equalsIgnoreCase(env.get("OTEL_SDK_DISABLED"))) {
            return off();
        }
        OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
                .addPropertiesSupplier(() -> defaults(config))
                .addResourceCustomizer((resource, props) -> Resources.vigil(version, env).merge(resource))
                .addSamplerCustomizer((sampler, props) -> new JobAwareSampler(sampler, config.jobSampleRatio()))
                .addSpanExporterCustomizer((exporter, props) -> new ExportOutcomeLog(exporter))
                .build()
                .getOpenTelemetrySdk();
        return new Tracing(sdk, sdk, config.jobSampleRatio());
    }

    /** OTLP header values (an API key, a bearer token) are secrets the SDK may echo in its export errors. */
    static void rememberHeaderSecrets(Map<String, String> env) {
        for (String variable : List.of("OTEL_EXPORTER_OTLP_HEADERS", "OTEL_EXPORTER_OTLP_TRACES_HEADERS")) {
            for (String header : env.getOrDefault(variable, "").split(",")) {
                int eq = header.indexOf('=');
                if (eq > 0) {
                    String value = header.substring(eq + 1).trim();
                    Redaction.remember(value);
                    Redaction.remember(URLDecoder.decode(value, StandardCharsets.UTF_8));
                }
            }
        }
    }

    /** The YAML's settings as OpenTelemetry properties; the environment and system properties override them. */
    private static Map<String, String> defaults(TracingConfig config) {
        Map<String, String> p = new HashMap<>();
        p.put("otel.traces.exporter", "otlp");
        p.put("otel.metrics.exporter", "none");
        p.put("otel.logs.exporter", "none");
        p.put("otel.service.name", "vigil");
        p.put("otel.traces.sampler", "parentbased_traceidratio");
        p.put("otel.traces.sampler.arg", Double.toString(config.sampleRatio()));
        p.put("otel.bsp.schedule.delay", "1000");
        config.endpoint().ifPresent(e -> p.put("otel.exporter.otlp.endpoint", e));
        // OpenTelemetry Java defaults to grpc; Vigil documents http/protobuf (port 4318), which Jaeger and collectors take.
        p.put("otel.exporter.otlp.protocol", config.protocol().orElse("http/protobuf"));
        if (!config.headers().isEmpty()) {
            p.put("otel.exporter.otlp.headers", config.headers().entrySet().stream()
                    .map(h -> h.getKey() + "=" + h.getValue().value()).collect(Collectors.joining(",")));
        }
        return p;
    }

    /** The attribute that puts a span under the job-trace ratio (see {@link JobAwareSampler}). */
    public static AttributeKey<Boolean> jobSpanKey() {
        return JOB_SPAN;
    }

    public boolean enabled() {
        return sdk != null;
    }

    public Tracer tracer() {
        return tracer;
    }

    public TextMapPropagator propagator() {
        return otel.getPropagators().getTextMapPropagator();
    }

    public double jobSampleRatio() {
        return jobSampleRatio;
    }

    /** The span of one poll of one source, a root of its own trace. */
    public Span startPoll(String kind, String name) {
        return tracer.spanBuilder("vigil.poll").setSpanKind(SpanKind.INTERNAL).setNoParent()
                .setAttribute(SOURCE_KIND, kind).setAttribute(SOURCE_NAME, name).startSpan();
    }

    /**
     * Runs asynchronous work as a child span of {@code parent} (a client span, e.g. a Redis pipeline), ending
     * it when the work completes and recording a failure on it.
     */
    public <T> CompletionStage<T> child(Context parent, String name, Attributes attributes, Supplier<CompletionStage<T>> work) {
        Span span = tracer.spanBuilder(name).setParent(parent).setSpanKind(SpanKind.CLIENT).setAllAttributes(attributes).startSpan();
        CompletionStage<T> stage;
        try {
            stage = work.get();
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        return stage.whenComplete((v, e) -> {
            if (e != null) {
                failed(span, e);
            }
            span.end();
        });
    }

    public static void failed(Span span, Throwable e) {
        span.recordException(e);
        span.setStatus(StatusCode.ERROR, String.valueOf(e.getMessage()));
    }

    /** Flushes spans still buffered and stops the exporter; a no-op when off. */
    public void shutdown() {
        if (sdk != null) {
            sdk.getSdkTracerProvider().shutdown().join(5, TimeUnit.SECONDS);
        }
    }
}
