package dev.vigil.http;

import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * {@code GET /metrics}: renders what the registry holds right now. Source families come from the last
 * completed polls, so this never waits on Redis. OpenMetrics when the scraper asks for it, the Prometheus
 * text format otherwise; gzip is applied by the server when the scraper accepts it.
 */
final class MetricsHandler implements Handler<RoutingContext> {
    private final PrometheusRegistry registry;
    private final ExpositionFormatWriter text;
    private final ExpositionFormatWriter openMetrics;

    MetricsHandler(PrometheusRegistry registry) {
        this.registry = registry;
        this.text = PrometheusTextFormatWriter.create();
        this.openMetrics = OpenMetricsTextFormatWriter.create();
    }

    @Override
    public void handle(RoutingContext ctx) {
        String accept = ctx.request().getHeader("Accept");
        ExpositionFormatWriter writer = accept != null && openMetrics.accepts(accept) ? openMetrics : text;
        ByteArrayOutputStream body = new ByteArrayOutputStream(64 * 1024);
        try {
            writer.write(body, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ctx.response()
                .putHeader("Content-Type", writer.getContentType())
                .end(Buffer.buffer(body.toByteArray()));
    }
}
