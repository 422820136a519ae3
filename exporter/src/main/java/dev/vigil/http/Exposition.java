package dev.vigil.http;

import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusProtobufWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The formats /metrics speaks, rendered by the Prometheus client's writers. Each renders a body in parts that
 * concatenate: the text format and protobuf are sequences of families, and OpenMetrics ends with one
 * {@code # EOF}, which only the last part keeps.
 */
enum Exposition {
    PROTOBUF(new PrometheusProtobufWriter()),
    OPENMETRICS(OpenMetricsTextFormatWriter.create()),
    TEXT(PrometheusTextFormatWriter.create());

    private static final byte[] EOF = "# EOF\n".getBytes(StandardCharsets.US_ASCII);

    private final ExpositionFormatWriter writer;

    Exposition(ExpositionFormatWriter writer) {
        this.writer = writer;
    }

    /** As Prometheus' client libraries choose: protobuf, then OpenMetrics, when the scraper lists them; else text. */
    static Exposition negotiate(String accept) {
        if (accept == null) {
            return TEXT;
        }
        return Arrays.stream(values()).filter(e -> e.writer.accepts(accept)).findFirst().orElse(TEXT);
    }

    String contentType() {
        return writer.getContentType();
    }

    /** @param last whether this part ends the body (keeps OpenMetrics' {@code # EOF}) */
    byte[] render(MetricSnapshots snapshots, boolean last) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        try {
            writer.write(out, snapshots);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] body = out.toByteArray();
        if (this != OPENMETRICS || last) {
            return body;
        }
        int end = body.length - EOF.length;
        if (end < 0 || !Arrays.equals(body, end, body.length, EOF, 0, EOF.length)) {
            throw new IllegalStateException("an OpenMetrics rendering that does not end with # EOF");
        }
        return Arrays.copyOf(body, end);
    }
}
