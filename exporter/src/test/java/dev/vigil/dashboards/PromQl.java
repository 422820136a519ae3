package dev.vigil.dashboards;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Just enough PromQL reading for the dashboard checks: the metric names a query selects, and label_values(). */
final class PromQl {
    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");
    private static final Pattern MATCHERS = Pattern.compile("\\{[^{}]*}");
    private static final Pattern RANGE = Pattern.compile("\\[[^\\[\\]]*]");
    private static final Pattern GROUPING = Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^()]*\\)");
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.:$])[a-zA-Z_:][a-zA-Z0-9_:]*(?![\\w:])(\\s*\\()?");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without", "on",
            "ignoring", "group_left", "group_right", "inf", "nan");
    private static final Pattern LABEL_VALUES = Pattern.compile("^\\s*label_values\\(\\s*(.+?)\\s*,\\s*([a-zA-Z_]\\w*)\\s*\\)\\s*$");
    private static final Pattern LEADING_NAME = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)");

    private PromQl() {
    }

    /** Names of the series a query selects: identifiers that are neither functions, keywords nor label names. */
    static Set<String> metricNames(String promql) {
        String s = STRING.matcher(promql).replaceAll("\"\"");
        s = MATCHERS.matcher(s).replaceAll("");
        s = RANGE.matcher(s).replaceAll("");
        s = GROUPING.matcher(s).replaceAll("");
        Set<String> names = new LinkedHashSet<>();
        Matcher m = IDENTIFIER.matcher(s);
        while (m.find()) {
            String word = m.group().replaceAll("\\s*\\($", "");
            boolean call = m.group(1) != null;
            if (!call && !KEYWORDS.contains(word.toLowerCase())) {
                names.add(word);
            }
        }
        return names;
    }

    /** A {@code label_values(selector, label)} variable query, split. */
    record LabelValues(String selector, String label) {
        String metric() {
            Matcher m = LEADING_NAME.matcher(selector);
            if (!m.find()) {
                throw new AssertionError("label_values without a metric name: " + selector);
            }
            return m.group(1);
        }
    }

    static LabelValues labelValues(String query) {
        Matcher m = LABEL_VALUES.matcher(query);
        if (!m.matches()) {
            throw new AssertionError("not a label_values(selector, label) query: " + query);
        }
        return new LabelValues(m.group(1), m.group(2));
    }

    /** The variables a query refers to ({@code $name}, {@code ${name}}, {@code ${name:format}}), Grafana's own included. */
    static Set<String> variablesUsed(String text) {
        Set<String> out = new LinkedHashSet<>();
        Matcher m = Pattern.compile("\\$\\{([a-zA-Z_]\\w*)(?::[^}]*)?}|\\$([a-zA-Z_]\\w*)").matcher(text);
        while (m.find()) {
            out.add(m.group(1) != null ? m.group(1) : m.group(2));
        }
        return out;
    }

    /**
     * The query as Grafana sends it to Prometheus: each variable replaced by its formatted value. Longer names
     * first, so {@code $__rate_interval} is not read as {@code $__rate} and {@code $datname} not as {@code $data}.
     */
    static String substitute(String text, Map<String, String> values) {
        String out = text;
        for (String name : values.keySet().stream().sorted((a, b) -> b.length() - a.length()).toList()) {
            String value = Matcher.quoteReplacement(values.get(name));
            out = out.replaceAll("\\$\\{" + Pattern.quote(name) + "(?::[^}]*)?}", value)
                    .replaceAll("\\$" + Pattern.quote(name) + "(?!\\w)", value);
        }
        return out;
    }
}
