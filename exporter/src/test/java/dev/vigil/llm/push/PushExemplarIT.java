package dev.vigil.llm.push;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.support.RunningExporter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A usage push that carries the application's traceparent links the counters it moved to that trace. */
class PushExemplarIT {
    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String SPAN = "00f067aa0ba902b7";

    @Test
    void theCallersTraceBecomesTheExemplarOfTokensAndCost() {
        try (RunningExporter vigil = RunningExporter.start("llm: {}\n")) {
            String call = "{\"provider\":\"openai\",\"model\":\"gpt-4o-mini\",\"input_tokens\":1200,\"output_tokens\":300}";
            assertThat(vigil.post("/api/v1/llm/usage", call.getBytes(StandardCharsets.UTF_8), "Content-Type", "application/json",
                    "traceparent", "00-" + TRACE + "-" + SPAN + "-01").statusCode()).isEqualTo(202);
            // An unsampled call moves the counters but does not replace the exemplar.
            assertThat(vigil.post("/api/v1/llm/usage", call.getBytes(StandardCharsets.UTF_8), "Content-Type", "application/json",
                    "traceparent", "00-11111111111111111111111111111111-2222222222222222-00").statusCode()).isEqualTo(202);

            String om = vigil.get("/metrics", "Accept", "application/openmetrics-text; version=1.0.0").body();
            String exemplar = "# {span_id=\"" + SPAN + "\",trace_id=\"" + TRACE + "\"}";
            assertThat(om).containsPattern("llm_tokens_total\\{model=\"gpt-4o-mini\",provider=\"openai\",type=\"input\"\\} 2400\\.0 "
                    + java.util.regex.Pattern.quote(exemplar) + " 1200\\.0 ");
            assertThat(om).containsPattern("llm_tokens_total\\{model=\"gpt-4o-mini\",provider=\"openai\",type=\"output\"\\} 600\\.0 "
                    + java.util.regex.Pattern.quote(exemplar) + " 300\\.0 ");
            // gpt-4o-mini: $0.15 input, $0.60 output per million: 1200 and 300 tokens cost $0.00036 per call.
            assertThat(om).containsPattern("llm_cost_usd_total\\{model=\"gpt-4o-mini\",provider=\"openai\"\\} 7\\.2E-4 "
                    + java.util.regex.Pattern.quote(exemplar) + " 3\\.6E-4 ");
            assertThat(om).doesNotContain("11111111111111111111111111111111");
            // No exemplar where the call moved nothing.
            assertThat(om.lines().filter(l -> l.contains("type=\"cache_write\"")).findFirst().orElseThrow()).doesNotContain("trace_id");
        }
    }
}
