package dev.vigil.http;

import dev.vigil.poll.PollEngine;
import dev.vigil.poll.SourceCollector;
import dev.vigil.trace.HttpServerSpans;
import dev.vigil.trace.Tracing;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/** The exporter's routes: {@code /metrics}, {@code /healthz}, {@code /readyz} and the status page. */
public final class HttpApi {
    private HttpApi() {
    }

    /**
     * What a text-format scrape of /metrics would return now, without the HTTP server: for {@code --once}, which
     * prints it and exits.
     */
    public static byte[] textExposition(List<MultiCollector> changing, PrometheusRegistry meters) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (MultiCollector part : changing) {
            out.writeBytes(Exposition.TEXT.render(part.collect(), false));
        }
        out.writeBytes(Exposition.TEXT.render(meters.scrape(), true));
        return out.toByteArray();
    }

    /** The sources' families may be built only when a scrape first asks: that collector is waited for, not called. */
    private static CachedPart cached(MultiCollector collector) {
        return collector instanceof SourceCollector sources ? new CachedPart(sources::collectAsync) : new CachedPart(collector);
    }

    /**
     * @param changing collectors that return the same snapshots until something changed (the sources' polls, the
     *                 LLM ledger, the JVM's families sampled once a second): /metrics renders each once per change
     * @param meters   the Micrometer registry, rendered for every scrape
     * @param apiRoutes adds the routes of the configured features that take data in (the llm push and OTLP endpoints)
     */
    public static Router router(Vertx vertx, PollEngine engine, List<MultiCollector> changing, PrometheusRegistry meters,
                                String version, Tracing tracing, Consumer<Router> apiRoutes) {
        Router router = Router.router(vertx);
        if (tracing.enabled()) {
            router.route().handler(new HttpServerSpans(tracing));
        }
        apiRoutes.accept(router);
        router.get("/metrics").handler(new MetricsHandler(changing.stream().map(HttpApi::cached).toList(), meters));
        router.get("/healthz").handler(ctx -> ctx.response().putHeader("Content-Type", "text/plain; charset=utf-8").end("ok\n"));
        router.get("/readyz").handler(ctx -> {
            String waiting = engine.sources().stream()
                    .filter(s -> !s.state().polledOnce())
                    .map(PollEngine.SourceView::name)
                    .collect(Collectors.joining(", "));
            ctx.response().putHeader("Content-Type", "text/plain; charset=utf-8");
            if (waiting.isEmpty()) {
                ctx.response().end("ready\n");
            } else {
                ctx.response().setStatusCode(503).end("waiting for the first poll of: " + waiting + "\n");
            }
        });
        router.get("/").handler(ctx -> ctx.response()
                .putHeader("Content-Type", "text/html; charset=utf-8")
                .end(StatusPage.render(version, engine.sources())));
        router.errorHandler(404, ctx -> ctx.response()
                .setStatusCode(404)
                .putHeader("Content-Type", "text/plain; charset=utf-8")
                .end("no such endpoint: " + ctx.request().path() + " (try /metrics, /healthz, /readyz or /)\n"));
        router.errorHandler(405, ctx -> ctx.response()
                .setStatusCode(405)
                .putHeader("Content-Type", "text/plain; charset=utf-8")
                .end(ctx.request().method() + " is not allowed on " + ctx.request().path()
                        + (ctx.request().path().startsWith("/api/") || ctx.request().path().startsWith("/v1/") ? "; use POST\n" : "; use GET\n")));
        return router;
    }
}
