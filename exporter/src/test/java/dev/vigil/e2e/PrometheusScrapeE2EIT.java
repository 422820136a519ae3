package dev.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.support.PrometheusServer;
import dev.vigil.support.RunningExporter;
import dev.vigil.support.Scrape;
import dev.vigil.support.TestRedis;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A real Prometheus scrapes Vigil: the exposition it negotiates parses, and every sample of a scrape is ingested. */
class PrometheusScrapeE2EIT {

    @Test
    void prometheusIngestsEverySampleVigilServes() {
        PrometheusServer.requireInstalled();
        try (TestRedis redis = TestRedis.start()) {
            // Before Vigil starts, so its first discovery finds the queue.
            redis.sync().rpush("bull:emails:wait", "1", "2", "3");
            redis.sync().hset("bull:emails:meta", "opts.maxLenEvents", "10000");
            scrapeThrough(redis);
        }
    }

    private static void scrapeThrough(TestRedis redis) {
        try (RunningExporter vigil = RunningExporter.start(RunningExporter.bullmqConfig(redis.url(), ""));
             PrometheusServer prometheus = PrometheusServer.start(
                     PrometheusServer.Setup.scraping(URI.create(vigil.baseUrl()).getAuthority()))) {
            vigil.awaitScrape(Duration.ofSeconds(15), s -> s.value("bullmq_job_count", "redis", "main", "prefix", "bull", "queue", "emails", "state", "waiting").isPresent());

            prometheus.awaitQuery("bullmq_job_count{queue=\"emails\",state=\"waiting\"}", Duration.ofSeconds(30), r -> r.size() == 1);
            assertThat(prometheus.value("up{job=\"vigil\"}")).isEqualTo(1.0);
            assertThat(prometheus.value("bullmq_job_count{queue=\"emails\",state=\"waiting\"}")).isEqualTo(3.0);
            assertThat(prometheus.value("vigil_build_info")).isEqualTo(1.0);
            assertThat(prometheus.value("vigil_source_poll_interval_seconds{source=\"bullmq/main/bull\"}")).isEqualTo(0.2);
            // Everything served was ingested: a sample Prometheus rejected would be missing from this count.
            Scrape ours = vigil.scrape();
            double scraped = prometheus.value("scrape_samples_scraped{job=\"vigil\"}");
            assertThat(scraped).isGreaterThan(50.0);
            assertThat(prometheus.value("scrape_samples_post_metric_relabeling{job=\"vigil\"}")).isEqualTo(scraped);
            assertThat(ours.series()).isNotEmpty();
        }
    }
}
