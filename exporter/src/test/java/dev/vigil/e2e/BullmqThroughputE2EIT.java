package dev.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.vigil.support.NodeWorkload;
import dev.vigil.support.RunningExporter;
import dev.vigil.support.Scrape;
import dev.vigil.support.TestRedis;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real BullMQ workers complete N jobs (half with removeOnComplete), fail M for good after retries with
 * backoff (half with removeOnFail), and complete R after one immediate retry. Vigil's counters must move
 * by exactly that, and its histograms must hold one observation per completed job with sums that agree
 * with the jobs' own timestamps.
 */
class BullmqThroughputE2EIT {
    /** Stream ids carry Redis' clock, the job hash the worker's: allow a few ms per job read from the stream. */
    private static final double CLOCK_SLACK_PER_JOB = 0.005;

    @ParameterizedTest(name = "major {0}")
    @ValueSource(ints = {5, 6})
    void countersAndHistogramsMatchWhatTheWorkersDid(int major) {
        NodeWorkload.folder();
        try (TestRedis redis = TestRedis.start();
             RunningExporter vigil = RunningExporter.start(RunningExporter.bullmqConfig(redis.url(), "    discovery_interval: 200ms\n"))) {
            // Vigil has polled once with no queues, so the queue below is new to it and read from its start.
            vigil.awaitScrape(Duration.ofSeconds(10), s -> s.require("vigil_source_up", "source", "bullmq/main/bull") == 1.0);
            try (NodeWorkload workload = NodeWorkload.run("throughput.mjs", "--redis", redis.url(), "--major", Integer.toString(major),
                    "--queue", "orders", "--complete", "20", "--fail", "4", "--flaky", "3")) {
                JsonObject r = workload.report();
                long completed = r.getLong("completed");
                Scrape s = vigil.awaitScrape(Duration.ofSeconds(20), x -> x.value("bullmq_jobs_completed_total", "redis", "main", "prefix", "bull", "queue", "orders")
                        .orElse(-1.0) == completed);
                s = vigil.scrapeAfterNextPoll("bullmq/main/bull");
                assertThat(completed).isEqualTo(23);
                assertThat(s.require("bullmq_jobs_completed_total", "redis", "main", "prefix", "bull", "queue", "orders")).isEqualTo(23.0);
                assertThat(s.require("bullmq_jobs_failed_total", "redis", "main", "prefix", "bull", "queue", "orders")).isEqualTo(r.getLong("failed").doubleValue());
                assertThat(s.require("bullmq_jobs_retried_total", "redis", "main", "prefix", "bull", "queue", "orders")).isEqualTo(r.getLong("retries").doubleValue());
                assertThat(s.require("bullmq_jobs_stalled_total", "redis", "main", "prefix", "bull", "queue", "orders")).isEqualTo(0.0);
                assertThat(s.require("bullmq_job_processing_seconds_count", "redis", "main", "prefix", "bull", "queue", "orders")).isEqualTo(23.0);
                assertThat(s.require("bullmq_job_wait_seconds_count", "redis", "main", "prefix", "bull", "queue", "orders")).isEqualTo(23.0);

                double processing = 0;
                double waiting = 0;
                JsonArray jobs = r.getJsonArray("jobs");
                for (int i = 0; i < jobs.size(); i++) {
                    JsonObject j = jobs.getJsonObject(i);
                    processing += (j.getLong("finishedOn") - j.getLong("processedOn")) / 1000.0;
                    waiting += (j.getLong("processedOn") - j.getLong("timestamp") - j.getLong("delay")) / 1000.0;
                }
                double slack = CLOCK_SLACK_PER_JOB * jobs.size();
                assertThat(s.require("bullmq_job_processing_seconds_sum", "redis", "main", "prefix", "bull", "queue", "orders")).isCloseTo(processing, within(slack));
                assertThat(s.require("bullmq_job_wait_seconds_sum", "redis", "main", "prefix", "bull", "queue", "orders")).isCloseTo(waiting, within(slack));
            }
        }
    }
}
