package dev.vigil.support;

import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_35_0.Metrics;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One /metrics body in Prometheus' protobuf format (delimited MetricFamily messages), decoded with the classes the
 * Prometheus client ships, and flattened into the samples the text format would show, keyed as {@link Scrape} keys them.
 */
public final class ProtobufScrape {
    private final List<Metrics.MetricFamily> families = new ArrayList<>();
    private final Map<String, Double> series = new LinkedHashMap<>();

    public ProtobufScrape(byte[] body) {
        try (InputStream in = new ByteArrayInputStream(body)) {
            Metrics.MetricFamily family;
            while ((family = Metrics.MetricFamily.parseDelimitedFrom(in)) != null) {
                families.add(family);
                for (Metrics.Metric m : family.getMetricList()) {
                    flatten(family.getName(), m);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<Metrics.MetricFamily> families() {
        return families;
    }

    public Map<String, Double> series() {
        return series;
    }

    /** The one sample of a family with these labels (name, value pairs). */
    public Optional<Metrics.Metric> metric(String family, String... labels) {
        Map<String, String> wanted = pairs(labels);
        return families.stream().filter(f -> f.getName().equals(family)).flatMap(f -> f.getMetricList().stream())
                .filter(m -> labelsOf(m).equals(wanted)).findFirst();
    }

    private void flatten(String name, Metrics.Metric m) {
        Map<String, String> labels = labelsOf(m);
        if (m.hasCounter()) {
            series.put(key(name, labels), m.getCounter().getValue());
        } else if (m.hasGauge()) {
            series.put(key(name, labels), m.getGauge().getValue());
        } else if (m.hasUntyped()) {
            series.put(key(name, labels), m.getUntyped().getValue());
        } else if (m.hasHistogram()) {
            Metrics.Histogram h = m.getHistogram();
            for (Metrics.Bucket b : h.getBucketList()) {
                Map<String, String> withLe = new TreeMap<>(labels);
                withLe.put("le", b.getUpperBound() == Double.POSITIVE_INFINITY ? "+Inf" : Double.toString(b.getUpperBound()));
                series.put(key(name + "_bucket", withLe), (double) b.getCumulativeCount());
            }
            series.put(key(name + "_count", labels), (double) h.getSampleCount());
            series.put(key(name + "_sum", labels), h.getSampleSum());
        } else if (m.hasSummary()) {
            Metrics.Summary s = m.getSummary();
            for (Metrics.Quantile q : s.getQuantileList()) {
                Map<String, String> withQ = new TreeMap<>(labels);
                withQ.put("quantile", Double.toString(q.getQuantile()));
                series.put(key(name, withQ), q.getValue());
            }
            series.put(key(name + "_count", labels), (double) s.getSampleCount());
            series.put(key(name + "_sum", labels), s.getSampleSum());
        }
    }

    private static Map<String, String> labelsOf(Metrics.Metric m) {
        Map<String, String> labels = new TreeMap<>();
        m.getLabelList().forEach(l -> labels.put(l.getName(), l.getValue()));
        return labels;
    }

    private static Map<String, String> pairs(String... labels) {
        Map<String, String> out = new TreeMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            out.put(labels[i], labels[i + 1]);
        }
        return out;
    }

    private static String key(String name, Map<String, String> labels) {
        if (labels.isEmpty()) {
            return name;
        }
        StringBuilder out = new StringBuilder(name).append('{');
        labels.forEach((k, v) -> out.append(k).append("=\"")
                .append(v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")).append("\","));
        out.setLength(out.length() - 1);
        return out.append('}').toString();
    }
}
