package dev.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.support.NodeWorkload;
import dev.vigil.support.RunningExporter;
import dev.vigil.support.Scrape;
import dev.vigil.support.TestRedis;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Vigil reads only the queues whose events stream moved (the full read is an hour away here), so every
 * count must come from change detection alone: a real BullMQ workload (e2e/bullmq/churn.mjs) adds,
 * finishes, fails, delays, prioritizes, removes and cleans jobs round after round, and after each round,
 * while nothing moves, Vigil's counts after its next poll equal getJobCounts() for every queue and state.
 */
class BullmqChurnE2EIT {
    private static final String SOURCE = "bullmq/main/bull";

    @ParameterizedTest(name = "major {0}")
    @ValueSource(ints = {5, 6})
    void countsEqualGetJobCountsAfterEveryRoundWithoutFullReads(int major) {
        try (TestRedis redis = TestRedis.start();
             NodeWorkload workload = NodeWorkload.run("churn.mjs", "--redis", redis.url(), "--major", Integer.toString(major));
             RunningExporter vigil = RunningExporter.start(RunningExporter.bullmqConfig(redis.url(),
                     "    discovery_interval: 200ms\n    full_read_interval: 1h\n"))) {
            List<String> queues = workload.report().getJsonArray("queues").stream().map(String::valueOf).toList();
            for (int round = 1; round <= 6; round++) {
                JsonObject counts = workload.ask("round").getJsonObject("counts");
                // Queues appear with their first jobs; discovery finds them, later rounds are change-driven only.
                vigil.awaitScrape(Duration.ofSeconds(15), s -> queues.stream()
                        .allMatch(q -> s.value("bullmq_queue_paused", "redis", "main", "prefix", "bull", "queue", q).isPresent()));
                Scrape s = vigil.scrapeAfterNextPoll(SOURCE);
                for (String q : queues) {
                    JsonObject library = counts.getJsonObject(q);
                    for (String state : JobCounts.STATES) {
                        long expected = library.containsKey(state) ? library.getLong(state) : 0;
                        assertThat(JobCounts.reported(s, q, state))
                                .as("round %d, BullMQ %d queue %s state %s", round, major, q, state).isEqualTo((double) expected);
                    }
                }
            }
        }
    }
}
