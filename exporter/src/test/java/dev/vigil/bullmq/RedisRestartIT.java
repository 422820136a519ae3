package dev.vigil.bullmq;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.support.RunningExporter;
import dev.vigil.support.Scrape;
import dev.vigil.support.SystemRedis;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A Redis with an append-only file is killed and restarted mid-run: /metrics answers throughout, and the
 * events counters resume where the stream was read, neither reset nor counted twice.
 */
class RedisRestartIT {
    private static final String SOURCE = "bullmq/main/bull";

    private static void completed(String port, String jobId) {
        SystemRedis.cli("-p", port, "XADD", "bull:orders:events", "*", "event", "completed", "jobId", jobId, "prev", "active");
    }

    @Test
    void countersResumeWhereTheStreamWasRead() {
        try (SystemRedis redis = SystemRedis.start("--appendonly", "yes", "--appendfsync", "always")) {
            String port = Integer.toString(redis.port());
            SystemRedis.cli("-p", port, "HSET", "bull:orders:meta", "version", "bullmq:6.7.0");
            try (RunningExporter vigil = RunningExporter.start("""
                    redis:
                      main:
                        url: %s
                        connect_timeout: 500ms
                        command_timeout: 500ms
                    bullmq:
                      - redis: main
                        interval: 200ms
                    """.formatted(redis.url()))) {
                vigil.awaitScrape(Duration.ofSeconds(10), s -> s.value("bullmq_jobs_completed_total", "redis", "main", "prefix", "bull", "queue", "orders").isPresent());
                for (String id : new String[] {"1", "2", "3"}) {
                    completed(port, id);
                }
                vigil.awaitScrape(Duration.ofSeconds(10), s -> s.require("bullmq_jobs_completed_total", "redis", "main", "prefix", "bull", "queue", "orders") == 3.0);

                redis.stop();
                Scrape down = vigil.awaitScrape(Duration.ofSeconds(5), s -> s.require("vigil_source_up", "source", SOURCE) == 0.0);
                assertThat(down.hasFamily("bullmq_jobs_completed_total")).isFalse();
                for (int i = 0; i < 5; i++) {
                    assertThat(vigil.get("/metrics").statusCode()).isEqualTo(200);
                    RunningExporter.sleep(100);
                }

                redis.startServer(); // same port, same append-only file: the stream is back as it was
                completed(port, "4");
                completed(port, "5");
                Scrape up = vigil.awaitScrape(Duration.ofSeconds(30), s -> s.require("vigil_source_up", "source", SOURCE) == 1.0
                        && s.value("bullmq_jobs_completed_total", "redis", "main", "prefix", "bull", "queue", "orders").orElse(0.0) == 5.0);
                up = vigil.scrapeAfterNextPoll(SOURCE);
                assertThat(up.require("bullmq_jobs_completed_total", "redis", "main", "prefix", "bull", "queue", "orders")).isEqualTo(5.0);
                assertThat(up.require("bullmq_events_lost_total", "redis", "main", "prefix", "bull", "queue", "orders")).isEqualTo(0.0);
            }
        }
    }
}
