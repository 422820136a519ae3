package dev.vigil.bullmq;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.support.RunningExporter;
import dev.vigil.support.Scrape;
import dev.vigil.support.SystemRedis;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Stream trimming past what Vigil read is counted exactly, from XINFO STREAM's entries-added (Redis 7+). */
class EventsLossIT {
    @Test
    void eventsTrimmedBeforeVigilReadThemAreCountedAsLostAndNeverDoubleCounted() {
        try (SystemRedis redis = SystemRedis.start()) {
            String port = Integer.toString(redis.port());
            SystemRedis.cli("-p", port, "HSET", "bull:busy:meta", "version", "bullmq:5.81.5");
            SystemRedis.cli("-p", port, "XADD", "bull:busy:events", "*", "event", "drained");
            try (RunningExporter vigil = RunningExporter.start(RunningExporter.bullmqConfig(redis.url(), ""))) {
                vigil.awaitScrape(Duration.ofSeconds(10), s -> s.value("bullmq_events_lost_total", "redis", "main", "prefix", "bull", "queue", "busy").isPresent());
                // Ten completions, then a trim to three entries, atomically: Vigil sees all of it or none of it.
                SystemRedis.cli("-p", port, "EVAL", """
                        for i = 1, 10 do redis.call('XADD', KEYS[1], '*', 'event', 'completed', 'jobId', tostring(i), 'prev', 'active') end
                        redis.call('XTRIM', KEYS[1], 'MAXLEN', 3)
                        """, "1", "bull:busy:events");
                Scrape s = vigil.awaitScrape(Duration.ofSeconds(10), x -> x.require("bullmq_jobs_completed_total", "redis", "main", "prefix", "bull", "queue", "busy") == 3.0);
                assertThat(s.require("bullmq_events_lost_total", "redis", "main", "prefix", "bull", "queue", "busy")).isEqualTo(7.0);

                SystemRedis.cli("-p", port, "XADD", "bull:busy:events", "*", "event", "completed", "jobId", "11", "prev", "active");
                s = vigil.awaitScrape(Duration.ofSeconds(10), x -> x.require("bullmq_jobs_completed_total", "redis", "main", "prefix", "bull", "queue", "busy") == 4.0);
                s = vigil.scrapeAfterNextPoll("bullmq/main/bull");
                assertThat(s.require("bullmq_jobs_completed_total", "redis", "main", "prefix", "bull", "queue", "busy")).isEqualTo(4.0);
                assertThat(s.require("bullmq_events_lost_total", "redis", "main", "prefix", "bull", "queue", "busy")).isEqualTo(7.0);
            }
        }
    }
}
