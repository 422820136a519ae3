package dev.vigil.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.support.EachPostgresVersion;
import dev.vigil.support.RunningExporter;
import dev.vigil.support.Scrape;
import dev.vigil.support.TestPostgres;
import java.time.Duration;
import java.util.Map;

/**
 * PostgreSQL stops while Vigil runs and comes back: reported down, /metrics keeps answering, recovery without
 * restarting Vigil, and never more than Vigil's one connection.
 */
class PostgresOutageIT {
    private static final String SOURCE = "postgres/main";
    private static final String VIGIL_CONNECTIONS = "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'vigil'";

    @EachPostgresVersion
    void downThenUpAgainWithOneConnection(String version) {
        try (TestPostgres pg = TestPostgres.start(version, Map.of())) {
            try (RunningExporter vigil = RunningExporter.start("postgres:\n" + pg.sourceYaml("main", "postgres"))) {
                vigil.awaitScrape(Duration.ofSeconds(10), s -> s.value("pg_up", "server", "main").orElse(0.0) == 1.0);
                assertThat(pg.queryNumber("postgres", VIGIL_CONNECTIONS)).isEqualTo(1.0);

                pg.stopServer();
                Scrape down = vigil.awaitScrape(Duration.ofSeconds(10), s -> s.require("vigil_source_up", "source", SOURCE) == 0.0);
                assertThat(down.require("pg_up", "server", "main")).isEqualTo(0.0);
                assertThat(down.hasFamily("pg_stat_database_xact_commit_total")).isFalse();
                assertThat(down.hasFamily("pg_stat_activity_count")).isFalse();
                assertThat(down.hasFamily("jvm_memory_used_bytes")).isTrue();
                assertThat(down.require("vigil_source_poll_errors_total", "source", SOURCE, "reason", "connection")).isGreaterThanOrEqualTo(1.0);

                pg.startServer();
                Scrape up = vigil.awaitScrape(Duration.ofSeconds(30), s -> s.require("vigil_source_up", "source", SOURCE) == 1.0
                        && s.value("pg_up", "server", "main").orElse(0.0) == 1.0);
                assertThat(up.hasFamily("pg_stat_database_xact_commit_total")).isTrue();
                vigil.scrapeAfterNextPoll(SOURCE);
                assertThat(pg.queryNumber("postgres", VIGIL_CONNECTIONS)).isEqualTo(1.0);
            }
            // Shutting Vigil down closes its connection.
            pg.awaitNumber("postgres", VIGIL_CONNECTIONS, n -> n == 0);
        }
    }
}
