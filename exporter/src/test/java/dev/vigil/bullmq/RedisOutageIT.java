package dev.vigil.bullmq;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.support.RunningExporter;
import dev.vigil.support.Scrape;
import dev.vigil.support.TestRedis;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Redis goes away and comes back while Vigil runs: reported down, /metrics keeps answering, recovers by itself. */
class RedisOutageIT {
    private static final String SOURCE = "bullmq/main/bull";

    @Test
    void sourceGoesDownAndRecoversWithoutRestartingVigil() {
        try (TestRedis redis = TestRedis.start()) {
            redis.sync().hset("bull:jobs:meta", "version", "bullmq:6.7.0");
            redis.sync().lpush("bull:jobs:wait", "1", "2");
            String yaml = """
                    redis:
                      main:
                        url: %s
                        connect_timeout: 500ms
                        command_timeout: 500ms
                    bullmq:
                      - redis: main
                        interval: 200ms
                    """.formatted(redis.url());
            try (RunningExporter vigil = RunningExporter.start(yaml)) {
                vigil.awaitScrape(Duration.ofSeconds(10), s -> s.value("bullmq_job_count", "redis", "main", "prefix", "bull", "queue", "jobs", "state", "waiting").orElse(-1.0) == 2.0);

                redis.stopServer();
                // Within about one interval the source is down; the rest of /metrics still answers.
                Scrape down = vigil.awaitScrape(Duration.ofSeconds(5), s -> s.require("vigil_source_up", "source", SOURCE) == 0.0);
                assertThat(down.hasFamily("bullmq_job_count")).isFalse();
                assertThat(down.hasFamily("jvm_memory_used_bytes")).isTrue();
                // The first failed poll may be a timeout (a reply in flight when Redis died) or a refused connection.
                assertThat(down.require("vigil_source_poll_errors_total", "source", SOURCE, "reason", "connection")
                        + down.require("vigil_source_poll_errors_total", "source", SOURCE, "reason", "timeout")).isGreaterThanOrEqualTo(1.0);
                assertThat(down.require("vigil_source_poll_errors_total", "source", SOURCE, "reason", "internal")).isEqualTo(0.0);

                redis.startServer(); // empty: this Redis keeps no data across restarts
                redis.sync().hset("bull:jobs:meta", "version", "bullmq:6.7.0");
                redis.sync().lpush("bull:jobs:wait", "1", "2", "3");
                Scrape up = vigil.awaitScrape(Duration.ofSeconds(30), s -> s.require("vigil_source_up", "source", SOURCE) == 1.0
                        && s.value("bullmq_job_count", "redis", "main", "prefix", "bull", "queue", "jobs", "state", "waiting").orElse(-1.0) == 3.0);
                assertThat(up.require("vigil_source_last_success_timestamp_seconds", "source", SOURCE))
                        .isGreaterThan(System.currentTimeMillis() / 1000.0 - 30);
            }
        }
    }
}
