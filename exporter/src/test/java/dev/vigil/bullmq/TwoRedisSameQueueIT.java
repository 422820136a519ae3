package dev.vigil.bullmq;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.support.RunningExporter;
import dev.vigil.support.Scrape;
import dev.vigil.support.TestRedis;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Two Redis servers, each with a BullMQ queue {@code bull:email}, read by one Vigil through two {@code bullmq}
 * entries: the same prefix and queue name, two queues. Each is reported under its connection's {@code redis}
 * label with its own numbers; neither hides the other.
 */
class TwoRedisSameQueueIT {

    private static void emailQueue(RedisCommands<String, String> app, int waiting, int delayed, int failed) {
        app.hset("bull:email:meta", Map.of("opts.maxLenEvents", "10000", "version", "bullmq:5.81.5"));
        app.set("bull:email:id", "100");
        for (int i = 1; i <= waiting; i++) {
            app.lpush("bull:email:wait", "w" + i);
        }
        for (int i = 1; i <= delayed; i++) {
            app.zadd("bull:email:delayed", i, "d" + i);
        }
        for (int i = 1; i <= failed; i++) {
            app.zadd("bull:email:failed", i, "f" + i);
        }
    }

    private static void completed(RedisCommands<String, String> app, int jobs) {
        for (int i = 1; i <= jobs; i++) {
            app.xadd("bull:email:events", Map.of("event", "completed", "jobId", "c" + i, "returnvalue", "null"));
        }
    }

    private static double count(Scrape s, String redis, String state) {
        return s.require("bullmq_job_count", "redis", redis, "prefix", "bull", "queue", "email", "state", state);
    }

    @Test
    void theSameQueueNameOnTwoRedisServersIsTwoQueuesWithTheirOwnNumbers() {
        try (TestRedis main = TestRedis.start(); TestRedis jobs = TestRedis.start()) {
            RedisCommands<String, String> mainApp = main.sync();
            RedisCommands<String, String> jobsApp = jobs.sync();
            emailQueue(mainApp, 3, 1, 0);
            emailQueue(jobsApp, 7, 0, 2);
            jobsApp.hset("bull:email:meta", "paused", "1");
            String config = """
                    redis:
                      main:
                        url: %s
                      jobs:
                        url: %s
                    bullmq:
                      - redis: main
                        interval: 200ms
                        discovery_interval: 500ms
                      - redis: jobs
                        interval: 200ms
                        discovery_interval: 500ms
                    """.formatted(main.url(), jobs.url());
            try (RunningExporter vigil = RunningExporter.start(config)) {
                Scrape s = vigil.awaitScrape(Duration.ofSeconds(10),
                        x -> x.value("bullmq_queue_paused", "redis", "main", "prefix", "bull", "queue", "email").isPresent()
                                && x.value("bullmq_queue_paused", "redis", "jobs", "prefix", "bull", "queue", "email").isPresent());
                assertThat(count(s, "main", "waiting")).isEqualTo(3.0);
                assertThat(count(s, "main", "delayed")).isEqualTo(1.0);
                assertThat(count(s, "main", "failed")).isEqualTo(0.0);
                assertThat(count(s, "jobs", "waiting")).isEqualTo(7.0);
                assertThat(count(s, "jobs", "delayed")).isEqualTo(0.0);
                assertThat(count(s, "jobs", "failed")).isEqualTo(2.0);
                assertThat(s.require("bullmq_queue_paused", "redis", "main", "prefix", "bull", "queue", "email")).isEqualTo(0.0);
                assertThat(s.require("bullmq_queue_paused", "redis", "jobs", "prefix", "bull", "queue", "email")).isEqualTo(1.0);
                // Six states on each Redis (paused and waiting-children have held no job), and no other bullmq_job_count series.
                assertThat(s.series().keySet().stream().filter(k -> k.startsWith("bullmq_job_count{")).count()).isEqualTo(12);
                assertThat(s.require("bullmq_queues_discovered", "source", "bullmq/main/bull", "redis", "main")).isEqualTo(1.0);
                assertThat(s.require("bullmq_queues_discovered", "source", "bullmq/jobs/bull", "redis", "jobs")).isEqualTo(1.0);

                // Finished jobs, counted from each server's own events stream.
                completed(mainApp, 2);
                completed(jobsApp, 5);
                Scrape after = vigil.awaitScrape(Duration.ofSeconds(10),
                        x -> x.value("bullmq_jobs_completed_total", "redis", "main", "prefix", "bull", "queue", "email").orElse(0.0) == 2.0
                                && x.value("bullmq_jobs_completed_total", "redis", "jobs", "prefix", "bull", "queue", "email").orElse(0.0) == 5.0);
                assertThat(after.require("bullmq_jobs_completed_total", "redis", "main", "prefix", "bull", "queue", "email")).isEqualTo(2.0);
                assertThat(after.require("bullmq_jobs_completed_total", "redis", "jobs", "prefix", "bull", "queue", "email")).isEqualTo(5.0);
                assertThat(after.require("bullmq_events_lost_total", "redis", "jobs", "prefix", "bull", "queue", "email")).isEqualTo(0.0);
            }
        }
    }
}
