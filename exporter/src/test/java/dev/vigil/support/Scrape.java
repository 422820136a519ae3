package dev.vigil.support;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One /metrics body in the Prometheus text format, parsed into series keyed as Prometheus prints them:
 * {@code name{label="value",...}} with labels in the order the exporter wrote them.
 */
public final class Scrape {
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{.*})?\\s+(\\S+)(\\s+\\d+)?$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final String body;
    private static final Pattern TYPE = Pattern.compile("^# TYPE (\\S+) (\\S+)$");

    private final Map<String, Double> series = new LinkedHashMap<>();
    private final Map<String, String> types = new LinkedHashMap<>();

    public Scrape(String body) {
        this.body = body;
        for (String line : body.split("\n")) {
            Matcher type = TYPE.matcher(line);
            if (type.matches()) {
                types.put(type.group(1), type.group(2));
            }
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            if (!m.matches()) {
                throw new IllegalArgumentException("not a sample line: " + line);
            }
            series.put(m.group(1) + canonical(m.group(2)), Double.parseDouble(m.group(3)));
        }
    }

    public String body() {
        return body;
    }

    public Map<String, Double> series() {
        return series;
    }

    /** The value of a series, labels given as name, value pairs in any order. */
    public Optional<Double> value(String name, String... labels) {
        StringBuilder key = new StringBuilder();
        Map<String, String> wanted = new java.util.TreeMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            if (!labels[i + 1].isEmpty()) { // to Prometheus an empty label is no label
                wanted.put(labels[i], labels[i + 1]);
            }
        }
        key.append(name);
        if (!wanted.isEmpty()) {
            key.append('{');
            wanted.forEach((k, v) -> key.append(k).append("=\"").append(v.replace("\\", "\\\\").replace("\"", "\\\"")).append("\","));
            key.setLength(key.length() - 1);
            key.append('}');
        }
        return Optional.ofNullable(series.get(key.toString()));
    }

    public double require(String name, String... labels) {
        return value(name, labels).orElseThrow(() -> new AssertionError(
                "no series " + name + " " + java.util.Arrays.toString(labels) + " in:\n" + body));
    }

    /** The {@code # TYPE} of a family, by the name its TYPE line gives (with {@code _total} for a counter). */
    public Optional<String> type(String family) {
        return Optional.ofNullable(types.get(family));
    }

    /** The families of this scrape, by the names their {@code # TYPE} lines give. */
    public java.util.Set<String> families() {
        return java.util.Set.copyOf(types.keySet());
    }

    public boolean hasFamily(String name) {
        return series.keySet().stream().anyMatch(k -> k.equals(name) || k.startsWith(name + "{"));
    }

    /** Labels sorted by name, so lookups do not depend on the order the exporter wrote them in. */
    private static String canonical(String labelBlock) {
        if (labelBlock == null || labelBlock.equals("{}")) {
            return "";
        }
        Map<String, String> sorted = new java.util.TreeMap<>();
        Matcher m = LABEL.matcher(labelBlock);
        while (m.find()) {
            sorted.put(m.group(1), m.group(2));
        }
        StringBuilder out = new StringBuilder("{");
        sorted.forEach((k, v) -> out.append(k).append("=\"").append(v).append("\","));
        out.setLength(out.length() - 1);
        return out.append('}').toString();
    }
}
