package dev.vigil.dashboards;

import dev.vigil.support.PrometheusServer;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A dashboard's template variables filled in as Grafana fills them when the dashboard opens: each query
 * variable's label_values() asked of Prometheus in order (later ones see the earlier values), a multi-value
 * variable set to All and sent as Grafana's regex {@code (a|b)}, a single-value one to its first value.
 */
final class GrafanaVariables {
    /** Grafana's own, for a 1 h range and a 1 s scrape interval ($__rate_interval is at least 4 scrape intervals, 1m here). */
    static final Map<String, String> BUILT_IN = Map.of("__rate_interval", "1m", "__interval", "15s", "__range", "1h");
    /** The characters Grafana's Prometheus datasource escapes in multi-value regexes. */
    private static final Pattern REGEX_SPECIAL = Pattern.compile("[$^*{}\\[\\]'+?.()|]");

    private final Map<String, List<String>> values = new LinkedHashMap<>();
    private final Map<String, String> formatted = new LinkedHashMap<>(BUILT_IN);

    private GrafanaVariables() {
    }

    static GrafanaVariables resolve(Dashboard dashboard, PrometheusServer prometheus) {
        GrafanaVariables v = new GrafanaVariables();
        for (JsonObject variable : dashboard.variables()) {
            String name = variable.getString("name");
            switch (variable.getString("type")) {
                case "query" -> v.resolveQuery(dashboard, variable, prometheus);
                case "textbox", "constant" -> v.formatted.put(name, Dashboard.variableQuery(variable));
                default -> {
                    // the datasource variable: the query is sent to the Prometheus under test
                }
            }
        }
        return v;
    }

    private void resolveQuery(Dashboard dashboard, JsonObject variable, PrometheusServer prometheus) {
        String name = variable.getString("name");
        PromQl.LabelValues query = PromQl.labelValues(PromQl.substitute(Dashboard.variableQuery(variable), formatted));
        HttpResponse<String> r = prometheus.get("/api/v1/label/" + query.label() + "/values?match[]="
                + URLEncoder.encode(query.selector(), StandardCharsets.UTF_8));
        if (r.statusCode() != 200) {
            throw new AssertionError(dashboard.uid() + " $" + name + ": " + query + " answered " + r.statusCode() + ": " + r.body());
        }
        List<String> found = new JsonObject(r.body()).getJsonArray("data").stream().map(String.class::cast).sorted().toList();
        if (found.isEmpty()) {
            throw new AssertionError(dashboard.uid() + " $" + name + ": " + query.selector() + " has no " + query.label() + " values");
        }
        values.put(name, found);
        boolean all = variable.getBoolean("includeAll", false) || variable.getBoolean("multi", false);
        formatted.put(name, all ? regex(found) : found.get(0));
    }

    /** As Grafana sends several values of a variable used in {@code =~"$name"}: escaped, joined by |. */
    private static String regex(List<String> values) {
        List<String> escaped = values.stream().map(v -> REGEX_SPECIAL.matcher(v.replace("\\", "\\\\\\\\")).replaceAll("\\\\\\\\$0")).toList();
        return escaped.size() == 1 ? escaped.get(0) : "(" + String.join("|", escaped) + ")";
    }

    /** The values Prometheus listed for each query variable. */
    Map<String, List<String>> values() {
        return values;
    }

    String substitute(String expr) {
        return PromQl.substitute(expr, formatted);
    }
}
