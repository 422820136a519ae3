package dev.vigil.dashboards;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The numbers the alert rules of alert-rules/rules compare series with, by series name: in
 * {@code queue:bullmq_queue_depth:sum > 500} the series is compared with 500. A 0 (any at all) is no line to
 * draw; a product of numbers ({@code 5 * 1024 * 1024 * 1024}) is worked out; a number that multiplies
 * another series ({@code 0.8 * (... offset 1h)}) is a relative threshold, not a fixed one, and left out.
 */
final class AlertThresholds {
    // "x < 500" and "x > 0.9 * 100" are thresholds; "x < 1 - 3 * (...)" compares with an expression, not a number.
    private static final String NUMBER = "\\d+(?:\\.\\d+)?";
    private static final Pattern COMPARISON = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{[^}]*})?\\s*(?:>=|<=|>|<)\\s*("
            + NUMBER + "(?:\\s*\\*\\s*" + NUMBER + ")*)(?![\\d.]|\\s*[-+*/])");

    private AlertThresholds() {
    }

    static Map<String, Set<Double>> load() {
        Map<String, Set<Double>> out = new TreeMap<>();
        for (Path file : KnownMetrics.ruleFiles()) {
            for (Map<String, Object> rule : KnownMetrics.rules(file)) {
                if (rule.containsKey("alert")) {
                    Matcher m = COMPARISON.matcher((String) rule.get("expr"));
                    while (m.find()) {
                        double value = product(m.group(2));
                        if (value != 0) {
                            out.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add(value);
                        }
                    }
                }
            }
        }
        return out;
    }

    private static double product(String factors) {
        double value = 1;
        for (String f : factors.split("\\*")) {
            value *= Double.parseDouble(f.trim());
        }
        return value;
    }
}
