package dev.vigil.http;

import dev.vigil.config.Durations;
import dev.vigil.poll.PollEngine;
import dev.vigil.poll.SourceState;
import java.time.Instant;
import java.util.List;

/** The {@code GET /} page: version, each source with its state, and links. Errors are already redacted. */
final class StatusPage {
    private StatusPage() {
    }

    static String render(String version, List<PollEngine.SourceView> sources) {
        StringBuilder rows = new StringBuilder();
        for (PollEngine.SourceView s : sources) {
            SourceState st = s.state();
            String state = !st.polledOnce() ? "starting" : st.up() ? "up" : "down";
            rows.append("<tr class=\"").append(state).append("\"><td>").append(escape(s.name()))
                    .append("</td><td>").append(escape(s.kind()))
                    .append("</td><td>").append(state)
                    .append("</td><td>").append(Durations.format(s.interval()))
                    .append("</td><td>").append(st.lastPoll().map(Instant::toString).orElse("never"))
                    .append("</td><td>").append(st.polledOnce() ? String.format("%.3f s", st.lastDurationSeconds()) : "")
                    .append("</td><td>").append(st.result().map(r -> escape(r.detail())).orElse(""))
                    .append("</td><td>").append(escape(st.lastError().orElse("")))
                    .append("</td></tr>\n");
        }
        return """
                <!DOCTYPE html>
                <html><head><meta charset="utf-8"><title>Vigil</title>
                <style>
                body{font-family:system-ui,sans-serif;margin:2em;color:#222}
                table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}
                tr.down td{background:#fde2e2}tr.starting td{background:#fff7d6}
                </style></head><body>
                <h1>Vigil %s</h1>
                <p><a href="/metrics">/metrics</a> · <a href="/healthz">/healthz</a> · <a href="/readyz">/readyz</a></p>
                <table><tr><th>source</th><th>kind</th><th>state</th><th>interval</th><th>last poll</th><th>duration</th><th>detail</th><th>last error</th></tr>
                %s</table>
                </body></html>
                """.formatted(escape(version), rows);
    }

    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
