package dev.vigil.http;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /metrics}: never waits on Redis or PostgreSQL. The sources' families (and the LLM ledger's) change
 * once per poll or push and are served from {@link CachedPart}s; Vigil's own Micrometer meters (JVM, process,
 * sources up, errors) change all the time, are small, and are rendered for each scrape and appended. Protobuf,
 * OpenMetrics or text as the scraper's {@code Accept} asks; gzip when it accepts it, from the cached compressed
 * parts (the server's own compression is told to stay out, so nothing is compressed twice).
 */
final class MetricsHandler implements Handler<RoutingContext> {
    private final List<CachedPart> cached;
    private final PrometheusRegistry meters;

    /** @param meters the Micrometer registry's families; no family name may also come from a cached part */
    MetricsHandler(List<CachedPart> cached, PrometheusRegistry meters) {
        this.cached = List.copyOf(cached);
        this.meters = meters;
    }

    @Override
    public void handle(RoutingContext ctx) {
        Exposition format = Exposition.negotiate(ctx.request().getHeader("Accept"));
        boolean gzip = acceptsGzip(ctx.request().getHeader("Accept-Encoding"));
        List<Future<Buffer>> parts = new ArrayList<>(cached.size());
        for (CachedPart part : cached) {
            parts.add(part.body(ctx.vertx(), format, gzip));
        }
        Future.all(parts).onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause());
                return;
            }
            byte[] live = format.render(meters.scrape(), true);
            List<Buffer> body = new ArrayList<>(parts.size() + 1);
            parts.forEach(p -> body.add(p.result()));
            body.add(Buffer.buffer(gzip ? Exposition.gzip(live) : live));
            send(ctx.response(), format, gzip, body);
        });
    }

    private static void send(HttpServerResponse response, Exposition format, boolean gzip, List<Buffer> body) {
        long length = body.stream().mapToLong(Buffer::length).sum();
        // "identity" keeps the server's compressor off this response; Vert.x drops the header before sending.
        response.putHeader("Content-Type", format.contentType())
                .putHeader("Content-Encoding", gzip ? "gzip" : "identity")
                .putHeader("Content-Length", Long.toString(length));
        body.forEach(response::write);
        response.end();
    }

    /** Whether {@code Accept-Encoding} lists gzip without {@code q=0}. */
    static boolean acceptsGzip(String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        for (String coding : acceptEncoding.split(",")) {
            String[] params = coding.split(";");
            String name = params[0].trim();
            if (name.equalsIgnoreCase("gzip") || name.equalsIgnoreCase("x-gzip")) {
                for (int i = 1; i < params.length; i++) {
                    if (params[i].replace(" ", "").matches("[qQ]=0(\\.0{0,3})?")) {
                        return false;
                    }
                }
                return true;
            }
        }
        return false;
    }
}
