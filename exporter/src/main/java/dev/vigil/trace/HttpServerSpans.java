package dev.vigil.trace;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * One server span per HTTP request, continuing the caller's W3C {@code traceparent} when it sends one,
 * with the HTTP semantic-convention attributes. First handler of the router.
 */
public final class HttpServerSpans implements Handler<RoutingContext> {
    private static final TextMapGetter<HttpServerRequest> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(HttpServerRequest request) {
            return request.headers().names();
        }

        @Override
        public String get(HttpServerRequest request, String key) {
            return request == null ? null : request.getHeader(key);
        }
    };

    private final Tracing tracing;

    public HttpServerSpans(Tracing tracing) {
        this.tracing = tracing;
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        Context parent = tracing.propagator().extract(Context.root(), request, HEADERS);
        Span span = tracing.tracer().spanBuilder(request.method().name() + " " + request.path())
                .setParent(parent).setSpanKind(SpanKind.SERVER)
                .setAttribute("http.request.method", request.method().name())
                .setAttribute("url.path", request.path())
                .setAttribute("url.scheme", request.scheme() == null ? "http" : request.scheme())
                .startSpan();
        ctx.addEndHandler(done -> {
            int status = ctx.response().getStatusCode();
            span.setAttribute("http.response.status_code", (long) status);
            if (ctx.currentRoute() != null && ctx.currentRoute().getPath() != null) {
                span.setAttribute("http.route", ctx.currentRoute().getPath());
                span.updateName(request.method().name() + " " + ctx.currentRoute().getPath());
            }
            if (status >= 500) {
                span.setStatus(StatusCode.ERROR);
            }
            span.end();
        });
        try (Scope ignored = span.makeCurrent()) {
            ctx.next();
        }
    }
}
