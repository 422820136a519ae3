package dev.vigil.bullmq;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.support.RedisExtension;
import dev.vigil.support.RunningExporter;
import dev.vigil.support.Scrape;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Events written to a real Redis stream in exactly the shapes BullMQ's Lua scripts write them, read by a
 * running Vigil: counters and histograms must move by exactly what happened.
 */
class EventsTailIT {
    @RegisterExtension
    static final RedisExtension redis = RedisExtension.flushedBeforeEachTest();

    private static String config(String extra) {
        return RunningExporter.bullmqConfig(redis.url(), "    discovery_interval: 300ms\n" + extra);
    }

    private static String event(String queue, String... fields) {
        return redis.app().xadd("bull:" + queue + ":events", (Object[]) fields);
    }

    private static long ms(String streamId) {
        return Long.parseLong(streamId.substring(0, streamId.indexOf('-')));
    }

    private static void queue(String queue) {
        redis.app().hset("bull:" + queue + ":meta", "version", "bullmq:5.81.5");
    }

    private static double counter(Scrape s, String name, String queue) {
        return s.require(name + "_total", "redis", "main", "prefix", "bull", "queue", queue);
    }

    @Test
    void historyBeforeStartIsNotCountedAndNewEventsAreCountedOnce() {
        queue("mail");
        event("mail", "event", "completed", "jobId", "old", "returnvalue", "null", "prev", "active");
        try (RunningExporter vigil = RunningExporter.start(config(""))) {
            vigil.awaitScrape(Duration.ofSeconds(10), s -> s.value("bullmq_jobs_completed_total", "redis", "main", "prefix", "bull", "queue", "mail").isPresent());
            // A job that completes with its hash still there: latency from the hash (producer and worker clocks).
            redis.app().hset("bull:mail:1", Map.of("timestamp", "1000000", "delay", "500", "processedOn", "1002500", "finishedOn", "1003250"));
            event("mail", "event", "added", "jobId", "1", "name", "welcome");
            event("mail", "event", "completed", "jobId", "1", "returnvalue", "null", "prev", "active");
            Scrape s = vigil.awaitScrape(Duration.ofSeconds(10), x -> counter(x, "bullmq_jobs_completed", "mail") == 1.0);
            assertThat(s.require("bullmq_job_wait_seconds_count", "redis", "main", "prefix", "bull", "queue", "mail")).isEqualTo(1.0);
            assertThat(s.require("bullmq_job_wait_seconds_sum", "redis", "main", "prefix", "bull", "queue", "mail")).isEqualTo(2.0);
            assertThat(s.require("bullmq_job_processing_seconds_sum", "redis", "main", "prefix", "bull", "queue", "mail")).isEqualTo(0.75);
            assertThat(s.require("bullmq_job_processing_seconds_bucket", "redis", "main", "prefix", "bull", "queue", "mail", "le", "0.5")).isEqualTo(0.0);
            assertThat(s.require("bullmq_job_processing_seconds_bucket", "redis", "main", "prefix", "bull", "queue", "mail", "le", "1.0")).isEqualTo(1.0);
            // Further polls do not count it again.
            s = vigil.scrapeAfterNextPoll("bullmq/main/bull");
            assertThat(counter(s, "bullmq_jobs_completed", "mail")).isEqualTo(1.0);
        }
    }

    @Test
    void aQueueThatDropsOutAndComesBackResumesItsStreamWithoutCountingTwice() {
        queue("flaky");
        // History from before Vigil started is not counted, neither at the start nor when the queue comes back.
        event("flaky", "event", "completed", "jobId", "old-1", "returnvalue", "null", "prev", "active");
        event("flaky", "event", "completed", "jobId", "old-2", "returnvalue", "null", "prev", "active");
        try (RunningExporter vigil = RunningExporter.start(config(""))) {
            vigil.awaitScrape(Duration.ofSeconds(10), s -> s.value("bullmq_jobs_completed_total", "redis", "main", "prefix", "bull", "queue", "flaky").isPresent());
            for (String id : new String[] {"1", "2", "3"}) {
                event("flaky", "event", "completed", "jobId", id, "returnvalue", "null", "prev", "active");
            }
            vigil.awaitScrape(Duration.ofSeconds(10), x -> counter(x, "bullmq_jobs_completed", "flaky") == 3.0);
            // The queue's meta goes away (its events stream stays): it drops out of the list and of /metrics.
            redis.app().del("bull:flaky:meta");
            vigil.awaitScrape(Duration.ofSeconds(10), x -> !x.body().contains("queue=\"flaky\""));
            event("flaky", "event", "completed", "jobId", "4", "returnvalue", "null", "prev", "active");
            queue("flaky");
            Scrape back = vigil.awaitScrape(Duration.ofSeconds(10), x -> x.value("bullmq_jobs_completed_total", "redis", "main", "prefix", "bull", "queue", "flaky").isPresent());
            back = vigil.scrapeAfterNextPoll("bullmq/main/bull");
            // Resumed where it was: the event written while it was away counts, the first three not again.
            assertThat(counter(back, "bullmq_jobs_completed", "flaky")).isEqualTo(4.0);
        }
    }

    @Test
    void removedJobsFallBackToTheEventsOwnStreamIds() {
        queue("mail");
        try (RunningExporter vigil = RunningExporter.start(config(""))) {
            vigil.awaitScrape(Duration.ofSeconds(10), s -> s.value("bullmq_jobs_completed_total", "redis", "main", "prefix", "bull", "queue", "mail").isPresent());
            String waiting = event("mail", "event", "waiting", "jobId", "7", "prev", "added");
            RunningExporter.sleep(30);
            String active = event("mail", "event", "active", "jobId", "7", "prev", "waiting");
            RunningExporter.sleep(60);
            String done = event("mail", "event", "completed", "jobId", "7", "returnvalue", "1", "prev", "active");
            Scrape s = vigil.awaitScrape(Duration.ofSeconds(10), x -> counter(x, "bullmq_jobs_completed", "mail") == 1.0);
            assertThat(s.require("bullmq_job_wait_seconds_sum", "redis", "main", "prefix", "bull", "queue", "mail"))
                    .isEqualTo((ms(active) - ms(waiting)) / 1000.0);
            assertThat(s.require("bullmq_job_processing_seconds_sum", "redis", "main", "prefix", "bull", "queue", "mail"))
                    .isEqualTo((ms(done) - ms(active)) / 1000.0);
        }
    }

    @Test
    void failuresRetriesAndStalls() {
        queue("work");
        try (RunningExporter vigil = RunningExporter.start(config(""))) {
            vigil.awaitScrape(Duration.ofSeconds(10), s -> s.value("bullmq_jobs_failed_total", "redis", "main", "prefix", "bull", "queue", "work").isPresent());
            // Job 1: fails, retried at once (retryJob), fails again with backoff (moveToDelayed), then fails for good.
            event("work", "event", "active", "jobId", "1", "prev", "waiting");
            event("work", "event", "waiting", "jobId", "1", "prev", "active");
            event("work", "event", "active", "jobId", "1", "prev", "waiting");
            event("work", "event", "delayed", "jobId", "1", "delay", "99");
            event("work", "event", "waiting", "jobId", "1", "prev", "delayed");
            event("work", "event", "active", "jobId", "1", "prev", "waiting");
            event("work", "event", "failed", "jobId", "1", "failedReason", "boom", "prev", "active");
            event("work", "event", "retries-exhausted", "jobId", "1", "attemptsMade", "3");
            // Job 2: a new delayed job is not a retry.
            event("work", "event", "added", "jobId", "2", "name", "later");
            event("work", "event", "delayed", "jobId", "2", "delay", "99");
            // Job 3: stalled (moveStalledJobsToWait writes "waiting" prev active, then "stalled"): not a retry.
            event("work", "event", "active", "jobId", "3", "prev", "waiting");
            event("work", "event", "waiting", "jobId", "3", "prev", "active");
            event("work", "event", "stalled", "jobId", "3");
            // Job 4: retried at once by an earlier BullMQ 5 retryJob, which writes prev=failed: a retry.
            event("work", "event", "active", "jobId", "4", "prev", "waiting");
            event("work", "event", "waiting", "jobId", "4", "prev", "failed");
            // Job 5: failed for good, then retried by hand (job.retry(): reprocessJob, also prev=failed): not a retry.
            event("work", "event", "active", "jobId", "5", "prev", "waiting");
            event("work", "event", "failed", "jobId", "5", "failedReason", "boom", "prev", "active");
            event("work", "event", "waiting", "jobId", "5", "prev", "failed");
            event("work", "event", "active", "jobId", "5", "prev", "waiting");
            Scrape s = vigil.awaitScrape(Duration.ofSeconds(10), x -> counter(x, "bullmq_jobs_stalled", "work") == 1.0
                    && counter(x, "bullmq_jobs_failed", "work") == 2.0);
            assertThat(counter(s, "bullmq_jobs_failed", "work")).isEqualTo(2.0);
            assertThat(counter(s, "bullmq_jobs_retried", "work")).isEqualTo(3.0);
            assertThat(counter(s, "bullmq_jobs_completed", "work")).isEqualTo(0.0);
            // Failed jobs are not in the latency histograms, and a histogram appears with its first completed job.
            assertThat(s.value("bullmq_job_processing_seconds_count", "redis", "main", "prefix", "bull", "queue", "work")).isEmpty();
            assertThat(s.value("bullmq_job_wait_seconds_count", "redis", "main", "prefix", "bull", "queue", "work")).isEmpty();
        }
    }

    @Test
    void aRetryWhoseStalledCheckArrivesInTheNextReadIsStillDecidedRight() {
        queue("split");
        try (RunningExporter vigil = RunningExporter.start(config("    max_events_per_poll: 2\n"))) {
            vigil.awaitScrape(Duration.ofSeconds(10), s -> s.value("bullmq_jobs_retried_total", "redis", "main", "prefix", "bull", "queue", "split").isPresent());
            // With two events per read, the "stalled" that cancels the retry comes in the following read.
            event("split", "event", "active", "jobId", "5", "prev", "waiting");
            event("split", "event", "waiting", "jobId", "5", "prev", "active");
            event("split", "event", "stalled", "jobId", "5");
            event("split", "event", "active", "jobId", "6", "prev", "waiting");
            event("split", "event", "waiting", "jobId", "6", "prev", "active");
            event("split", "event", "active", "jobId", "6", "prev", "waiting");
            Scrape s = vigil.awaitScrape(Duration.ofSeconds(10), x -> counter(x, "bullmq_jobs_stalled", "split") == 1.0
                    && counter(x, "bullmq_jobs_retried", "split") == 1.0);
            s = vigil.scrapeAfterNextPoll("bullmq/main/bull");
            assertThat(counter(s, "bullmq_jobs_retried", "split")).isEqualTo(1.0);
            assertThat(counter(s, "bullmq_jobs_stalled", "split")).isEqualTo(1.0);
        }
    }

    @Test
    void jobNamesAsLabelsAreOptInAndCapped() {
        queue("named");
        try (RunningExporter vigil = RunningExporter.start(config("    label_job_names: true\n    max_job_names: 2\n"))) {
            vigil.awaitScrape(Duration.ofSeconds(10), s -> s.hasFamily("bullmq_job_count"));
            for (String[] job : new String[][] {{"1", "resize"}, {"2", "resize"}, {"3", "thumb"}, {"4", "ocr"}, {"5", "pdf"}}) {
                event("named", "event", "added", "jobId", job[0], "name", job[1]);
                event("named", "event", "completed", "jobId", job[0], "returnvalue", "1", "prev", "active");
            }
            Scrape s = vigil.awaitScrape(Duration.ofSeconds(10), x -> x.value("bullmq_jobs_completed_total",
                    "redis", "main", "prefix", "bull", "queue", "named", "job_name", "other").orElse(0.0) == 2.0);
            assertThat(s.require("bullmq_jobs_completed_total", "redis", "main", "prefix", "bull", "queue", "named", "job_name", "resize")).isEqualTo(2.0);
            assertThat(s.require("bullmq_jobs_completed_total", "redis", "main", "prefix", "bull", "queue", "named", "job_name", "thumb")).isEqualTo(1.0);
            assertThat(s.series().keySet().stream().filter(k -> k.startsWith("bullmq_jobs_completed_total{")).count()).isEqualTo(3);
        }
    }

    @Test
    void eventsOffLeavesTheCountersOut() {
        queue("quiet");
        try (RunningExporter vigil = RunningExporter.start(config("    events: false\n"))) {
            Scrape s = vigil.awaitScrape(Duration.ofSeconds(10), x -> x.hasFamily("bullmq_job_count"));
            assertThat(s.hasFamily("bullmq_jobs_completed_total")).isFalse();
        }
    }
}
