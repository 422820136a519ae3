package dev.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import dev.vigil.support.PrometheusServer;
import dev.vigil.support.RunningExporter;
import io.vertx.core.json.JsonArray;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.StringJoiner;
import org.junit.jupiter.api.Test;

/**
 * A Prometheus that scrapes protobuf and stores native histograms, and one that scrapes the text format and stores
 * classic buckets, read the same Vigil: both see the same calls, and their quantiles agree within the buckets' error.
 */
class NativeHistogramE2EIT {
    private static final int CALLS = 100;
    /** Call i (1..100) took 37 i ms: from 37 ms to 3.7 s, across seven classic buckets. */
    private static final long STEP_MS = 37;
    /** The classic bounds of llm_request_duration_seconds up to 5 s. */
    private static final double[] CLASSIC = {0, 0.1, 0.25, 0.5, 1, 2.5, 5};

    @Test
    void nativeAndClassicQuantilesAgreeWithinTheBucketError() {
        PrometheusServer.requireInstalled();
        try (RunningExporter vigil = RunningExporter.start("llm: {}\n")) {
            StringJoiner calls = new StringJoiner(",", "[", "]");
            for (int i = 1; i <= CALLS; i++) {
                calls.add("{\"provider\":\"openai\",\"model\":\"gpt-4o-mini\",\"input_tokens\":10,\"output_tokens\":5,\"duration_ms\":"
                        + (i * STEP_MS) + "}");
            }
            assertThat(vigil.post("/api/v1/llm/usage", calls.toString().getBytes(StandardCharsets.UTF_8),
                    "Content-Type", "application/json").statusCode()).isEqualTo(202);
            String target = URI.create(vigil.baseUrl()).getAuthority();
            try (PrometheusServer nativeOne = PrometheusServer.start(PrometheusServer.Setup.scraping(target).withNativeHistograms());
                 PrometheusServer classic = PrometheusServer.start(PrometheusServer.Setup.scraping(target))) {
                String series = "llm_request_duration_seconds{model=\"gpt-4o-mini\",provider=\"openai\"}";
                JsonArray stored = nativeOne.awaitQuery(series, Duration.ofSeconds(30), r -> r.size() == 1);
                assertThat(stored.getJsonObject(0).containsKey("histogram")).as("stored as a native histogram: " + stored.encode()).isTrue();
                classic.awaitQuery("llm_request_duration_seconds_count", Duration.ofSeconds(30), r -> r.size() == 1);
                assertThat(nativeOne.query("llm_request_duration_seconds_bucket")).as("no classic series beside the native one").isEmpty();

                double exactSum = STEP_MS * CALLS * (CALLS + 1) / 2 / 1000.0;
                assertThat(nativeOne.value("histogram_count(" + series + ")")).isEqualTo(CALLS);
                assertThat(nativeOne.value("histogram_sum(" + series + ")")).isEqualTo(exactSum);
                assertThat(classic.value("llm_request_duration_seconds_count")).isEqualTo(CALLS);
                assertThat(classic.value("llm_request_duration_seconds_sum")).isEqualTo(exactSum);

                for (double q : new double[] {0.1, 0.5, 0.9, 0.99}) {
                    double truth = Math.ceil(q * CALLS) * STEP_MS / 1000.0;
                    double fromNative = nativeOne.value("histogram_quantile(" + q + ", " + series + ")");
                    double fromClassic = classic.value("histogram_quantile(" + q + ", llm_request_duration_seconds_bucket)");
                    // A native bucket is 2^(1/8), 9% wide; a classic one as wide as its bounds.
                    assertThat(fromNative).as("native p%s", q).isCloseTo(truth, withinPercentage(9.1));
                    assertThat(fromNative).as("native against classic p%s", q).isCloseTo(fromClassic, within(classicWidth(truth)));
                }
            }
        }
    }

    private static double classicWidth(double value) {
        for (int i = 1; i < CLASSIC.length; i++) {
            if (value <= CLASSIC[i]) {
                return CLASSIC[i] - CLASSIC[i - 1];
            }
        }
        throw new IllegalArgumentException(value + " s is beyond the bounds this test knows");
    }
}
