package dev.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.support.ExternalTool;
import dev.vigil.support.RunningExporter;
import dev.vigil.support.Scrape;
import dev.vigil.support.TestRedis;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real BullMQ 5, BullMQ 6 and Bull 3 producers and workers (e2e/bullmq/workload.mjs) build queues in every
 * state in a real Redis; Vigil's numbers must equal what the library itself reports for every queue and
 * state: getJobCounts(), the worker count and isPaused().
 */
class BullmqAgreementE2EIT {
    private static final List<String> VIGIL_STATES = List.of(
            "waiting", "active", "delayed", "prioritized", "paused", "waiting-children", "completed", "failed");
    private static Path workloadDir;

    @BeforeAll
    static void workload() {
        ExternalTool.require(ExternalTool.onPath("node"), "Node.js", "install Node.js 18+ to run the BullMQ end-to-end test");
        workloadDir = ExternalTool.repoRoot().resolve("e2e/bullmq");
        ExternalTool.npmInstall(workloadDir);
    }

    @ParameterizedTest(name = "major {0}")
    @ValueSource(ints = {5, 6, 3})
    void vigilAgreesWithTheLibrary(int major) throws Exception {
        try (TestRedis redis = TestRedis.start()) {
            Process node = new ProcessBuilder("node", "workload.mjs", "--redis", redis.url(), "--major", Integer.toString(major), "--prefix", "bull")
                    .directory(workloadDir.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
                String json = out.readLine();
                String ready = out.readLine();
                assertThat(ready).as("workload output after the JSON line: " + json).isEqualTo("READY");
                JsonObject reported = new JsonObject(json).getJsonObject("queues");
                assertThat(reported.fieldNames()).as("queues the workload made").isNotEmpty();

                try (RunningExporter vigil = RunningExporter.start("""
                        redis:
                          main:
                            url: %s
                        bullmq:
                          - redis: main
                            prefix: bull
                            interval: 200ms
                        """.formatted(redis.url()))) {
                    Scrape s = vigil.awaitScrape(Duration.ofSeconds(20), x -> reported.fieldNames().stream()
                            .allMatch(q -> x.value("bullmq_queue_paused", "prefix", "bull", "queue", q).isPresent()));
                    for (String queue : reported.fieldNames()) {
                        assertQueue(s, queue, reported.getJsonObject(queue), major);
                    }
                }
            } finally {
                node.getOutputStream().close(); // EOF on stdin: the workload shuts down
                if (!node.waitFor(60, TimeUnit.SECONDS)) {
                    node.destroyForcibly();
                }
            }
            assertThat(node.exitValue()).as("workload exit status").isZero();
        }
    }

    private static void assertQueue(Scrape s, String queue, JsonObject library, int major) {
        JsonObject counts = library.getJsonObject("counts");
        for (String state : VIGIL_STATES) {
            double vigil = s.require("bullmq_job_count", "prefix", "bull", "queue", queue, "state", state);
            // States the library's getJobCounts() leaves out (paused in BullMQ 6; prioritized and
            // waiting-children in Bull 3) have no keys, so Vigil reports 0 for them.
            long expected = counts.containsKey(state) ? counts.getLong(state) : 0;
            assertThat(vigil).as("BullMQ %d queue %s state %s", major, queue, state).isEqualTo((double) expected);
        }
        for (Map.Entry<String, Object> e : counts) {
            assertThat(VIGIL_STATES).as("state %s reported by the library", e.getKey()).contains(e.getKey());
        }
        assertThat(s.require("bullmq_queue_workers", "prefix", "bull", "queue", queue))
                .as("workers of %s", queue).isEqualTo(library.getInteger("workers").doubleValue());
        assertThat(s.require("bullmq_queue_paused", "prefix", "bull", "queue", queue))
                .as("paused %s", queue).isEqualTo(library.getBoolean("paused") ? 1.0 : 0.0);
    }
}
