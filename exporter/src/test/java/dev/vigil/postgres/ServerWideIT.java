package dev.vigil.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.support.EachPostgresVersion;
import dev.vigil.support.RunningExporter;
import dev.vigil.support.Scrape;
import dev.vigil.support.TestPostgres;
import java.time.Duration;
import java.util.Optional;

/** Connection limits, database sizes and replication on a primary, each equal to what the server says. */
class ServerWideIT {
    private static final String SOURCE = "postgres/main";

    @EachPostgresVersion
    void settingsAndSizesEqualTheServers(String version) throws Exception {
        TestPostgres pg = TestPostgres.shared(version);
        String db = pg.createDatabase("sized");
        pg.executeIn(db, "CREATE TABLE blob AS SELECT g, repeat('x', 500) AS filler FROM generate_series(1, 5000) g");
        try (RunningExporter vigil = RunningExporter.start("postgres:\n" + pg.sourceYaml("main", "postgres"))) {
            Scrape s = vigil.scrapeAfterNextPoll(SOURCE);
            assertThat(s.require("pg_settings_max_connections", "server", "main"))
                    .isEqualTo(pg.queryNumber("postgres", "SELECT current_setting('max_connections')::int"));
            assertThat(s.require("pg_settings_superuser_reserved_connections", "server", "main"))
                    .isEqualTo(pg.queryNumber("postgres", "SELECT current_setting('superuser_reserved_connections')::int"));
            assertThat(s.value("pg_settings_reserved_connections", "server", "main")).isEqualTo(pg.major() >= 16
                    ? Optional.of(pg.queryNumber("postgres", "SELECT current_setting('reserved_connections')::int"))
                    : Optional.empty());

            String sizeSql = "SELECT pg_database_size('" + db + "')";
            double size = vigil.awaitScrape(Duration.ofSeconds(15), x -> x.value("pg_database_size_bytes", "server", "main",
                    "datname", db).orElse(-1.0) == pg.queryNumber("postgres", sizeSql))
                    .require("pg_database_size_bytes", "server", "main", "datname", db);
            assertThat(size).isGreaterThan(5000 * 500.0);
        }
    }

    @EachPostgresVersion
    void vigilsOneSessionIsReadOnlyWithItsTimeoutsAndNamedVigil(String version) throws Exception {
        TestPostgres pg = TestPostgres.shared(version);
        String db = pg.createDatabase("session");
        // A custom query runs on Vigil's own session, so it reports that session's settings.
        try (RunningExporter vigil = RunningExporter.start("postgres:\n" + pg.sourceYaml("main", db) + """
                    lock_timeout: 1500ms
                    queries:
                      - name: session
                        sql: >-
                          SELECT (current_setting('default_transaction_read_only') = 'on')::int AS read_only,
                                 extract(epoch FROM current_setting('statement_timeout')::interval) AS statement_timeout,
                                 extract(epoch FROM current_setting('lock_timeout')::interval) AS lock_timeout
                        columns: { read_only: gauge, statement_timeout: gauge, lock_timeout: gauge }
                """)) {
            Scrape s = vigil.awaitScrape(Duration.ofSeconds(15), x -> x.value("session_read_only", "server", "main").isPresent());
            assertThat(s.require("session_read_only", "server", "main")).isEqualTo(1.0);
            assertThat(s.require("session_statement_timeout", "server", "main")).isEqualTo(5.0);
            assertThat(s.require("session_lock_timeout", "server", "main")).isEqualTo(1.5);
            // One connection, named vigil, after many polls.
            vigil.scrapeAfterNextPoll(SOURCE);
            assertThat(pg.queryNumber("postgres", "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'vigil' AND datname = '" + db + "'"))
                    .isEqualTo(1.0);
        }
    }

    @EachPostgresVersion
    void aPrimaryWithAnAbandonedSlotShowsTheWalItKeeps(String version) throws Exception {
        TestPostgres pg = TestPostgres.shared(version);
        String slot = "vigil_abandoned_" + pg.major();
        pg.execute("SELECT pg_create_physical_replication_slot('" + slot + "', true)");
        try (RunningExporter vigil = RunningExporter.start("postgres:\n" + pg.sourceYaml("main", "postgres"))) {
            String db = pg.createDatabase("wal"); // writes WAL the slot has to keep
            String retainedSql = "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn) FROM pg_replication_slots "
                    + "WHERE slot_name = '" + slot + "'";
            Scrape s = vigil.awaitScrape(Duration.ofSeconds(15), x -> x.value("pg_replication_slot_retained_wal_bytes",
                    "server", "main", "slot_name", slot, "slot_type", "physical").orElse(-1.0) == pg.queryNumber(db, retainedSql));
            assertThat(s.require("pg_replication_slot_retained_wal_bytes", "server", "main", "slot_name", slot, "slot_type", "physical"))
                    .isGreaterThan(0.0);
            assertThat(s.require("pg_replication_slot_active", "server", "main", "slot_name", slot, "slot_type", "physical"))
                    .isEqualTo(0.0);
            assertThat(s.require("pg_replication_is_replica", "server", "main")).isEqualTo(0.0);
            assertThat(s.hasFamily("pg_replication_lag_seconds")).isFalse();
            assertThat(s.hasFamily("pg_replication_receiving")).isFalse();
        } finally {
            pg.execute("SELECT pg_drop_replication_slot('" + slot + "')");
        }
    }
}
