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
 * once per poll or push and are served from {@link CachedPart}s, as are the JVM's and the process' families, sampled
 * once a second; Vigil's own Micrometer meters (poll durations and errors, HTTP) change all the time, are small,
 * and are rendered for each scrape and appended. Protobuf,
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
        if (acceptsGzip(ctx.request().getHeader("Accept-Encoding"))) {
            List<Future<GzipMember.Part>> parts = cached.stream().map(p -> p.gzipped(ctx.vertx(), format)).toList();
            Future.all(parts).onComplete(ar -> {
                if (ar.failed()) {
                    ctx.fail(ar.cause());
                    return;
                }
                List<GzipMember.Part> all = new ArrayList<>(parts.size() + 1);
                parts.forEach(p -> all.add(p.result()));
                all.add(GzipMember.compress(live(format)));
                send(ctx.response(), format, "gzip", GzipMember.of(all));
            });
        } else {
            List<Future<Buffer>> parts = cached.stream().map(p -> p.plain(ctx.vertx(), format)).toList();
            Future.all(parts).onComplete(ar -> {
                if (ar.failed()) {
                    ctx.fail(ar.cause());
                    return;
                }
                List<Buffer> body = new ArrayList<>(parts.size() + 1);
                parts.forEach(p -> body.add(p.result()));
                body.add(Buffer.buffer(live(format)));
                // "identity" keeps the server's compressor off this response; Vert.x drops the header before sending.
                send(ctx.response(), format, "identity", body);
            });
        }
    }

    /** Micrometer's meters, rendered now, ending the body. */
    private byte[] live(Exposition format) {
        return format.render(meters.scrape(), true);
    }

    private static void send(HttpServerResponse response, Exposition format, String encoding, List<Buffer> body) {
        long length = body.stream().mapToLong(Buffer::length).sum();
        response.putHeader("Content-Type", format.contentType())
                .putHeader("Content-Encoding", encoding)
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
