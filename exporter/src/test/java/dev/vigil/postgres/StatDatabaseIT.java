package dev.vigil.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.support.EachPostgresVersion;
import dev.vigil.support.RunningExporter;
import dev.vigil.support.Scrape;
import dev.vigil.support.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * pg_stat_database as Prometheus sees it, compared with what the server itself says, in each PostgreSQL
 * version the build provides. Each test works in a database of its own, so its counters move only by what
 * the test does; Vigil connects to {@code postgres} as a role holding only pg_monitor.
 */
class StatDatabaseIT {
    private static final String SOURCE = "postgres/main";

    private static RunningExporter vigil(TestPostgres pg) {
        return RunningExporter.start("postgres:\n" + pg.sourceYaml("main", "postgres"));
    }

    private static double scraped(Scrape s, String metric, String db) {
        return s.require(metric, "server", "main", "datname", db);
    }

    @EachPostgresVersion
    void openingConnectionsMovesNumbackendsAndActivityCountsByThatMany(String version) {
        TestPostgres pg = TestPostgres.shared(version);
        String db = pg.createDatabase("conns");
        try (RunningExporter vigil = vigil(pg)) {
            Scrape before = vigil.awaitScrape(Duration.ofSeconds(10),
                    s -> s.value("pg_stat_database_numbackends", "server", "main", "datname", db).isPresent());
            assertThat(scraped(before, "pg_stat_database_numbackends", db)).isEqualTo(0.0);
            for (String state : List.of("active", "idle", "idle in transaction", "idle in transaction (aborted)",
                    "fastpath function call", "disabled")) {
                assertThat(before.require("pg_stat_activity_count", "server", "main", "datname", db, "state", state)).isEqualTo(0.0);
            }

            int k = 3;
            for (int i = 0; i < k; i++) {
                pg.connect(db);
            }
            Scrape after = vigil.scrapeAfterNextPoll(SOURCE);
            assertThat(scraped(after, "pg_stat_database_numbackends", db)).isEqualTo(k)
                    .isEqualTo(pg.queryNumber("postgres", "SELECT numbackends FROM pg_stat_database WHERE datname = '" + db + "'"));
            assertThat(after.require("pg_stat_activity_count", "server", "main", "datname", db, "state", "idle")).isEqualTo(k);
            assertThat(after.require("pg_stat_activity_count", "server", "main", "datname", db, "state", "active")).isEqualTo(0.0);
            assertThat(after.require("pg_up", "server", "main")).isEqualTo(1.0);
        }
    }

    @EachPostgresVersion
    void aRealDeadlockCountsExactlyOnce(String version) throws Exception {
        TestPostgres pg = TestPostgres.shared(version);
        String db = pg.createDatabase("deadlock");
        pg.executeIn(db, "CREATE TABLE account (id int PRIMARY KEY, balance int)", "INSERT INTO account VALUES (1, 100), (2, 100)");
        String serverSays = "SELECT deadlocks FROM pg_stat_database WHERE datname = '" + db + "'";
        try (RunningExporter vigil = vigil(pg)) {
            double server = pg.queryNumber("postgres", serverSays);
            double before = vigil.awaitScrape(Duration.ofSeconds(10), s -> s.value("pg_stat_database_deadlocks_total",
                    "server", "main", "datname", db).orElse(-1.0) == server).require("pg_stat_database_deadlocks_total",
                    "server", "main", "datname", db);

            assertThat(deadlock(pg, db)).containsExactly("40P01");

            double after = pg.awaitNumber("postgres", serverSays, n -> n > before);
            assertThat(after).isEqualTo(before + 1);
            Scrape scrape = vigil.scrapeAfterNextPoll(SOURCE);
            assertThat(scraped(scrape, "pg_stat_database_deadlocks_total", db)).isEqualTo(before + 1);
        }
    }

    /**
     * Two sessions each lock one row, then ask for the other's: PostgreSQL breaks the cycle by failing one
     * of them. Returns the SQLSTATEs of the sessions that failed. Both sessions are closed, which makes
     * them hand their statistics over.
     */
    private static List<String> deadlock(TestPostgres pg, String db) throws Exception {
        Connection a = pg.connect(db);
        Connection b = pg.connect(db);
        a.setAutoCommit(false);
        b.setAutoCommit(false);
        update(a, 1);
        update(b, 2);
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> updateOrState(a, 2));
        String second = updateOrState(b, 1);
        List<String> failed = new ArrayList<>();
        for (String state : List.of(first.get(), second)) {
            if (!state.isEmpty()) {
                failed.add(state);
            }
        }
        a.rollback();
        b.rollback();
        a.close();
        b.close();
        return failed;
    }

    private static void update(Connection c, int id) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE account SET balance = balance - 1 WHERE id = " + id);
        }
    }

    private static String updateOrState(Connection c, int id) {
        try {
            update(c, id);
            return "";
        } catch (SQLException e) {
            return e.getSQLState();
        }
    }

    @EachPostgresVersion
    void readingATableRaisesBlocksHit(String version) throws Exception {
        TestPostgres pg = TestPostgres.shared(version);
        String db = pg.createDatabase("reads");
        // No autovacuum: its reads would move the counter too.
        pg.executeIn(db,
                "CREATE TABLE item WITH (autovacuum_enabled = false) AS SELECT g AS id FROM generate_series(1, 10000) g");
        String serverSays = "SELECT blks_hit FROM pg_stat_database WHERE datname = '" + db + "'";
        try (RunningExporter vigil = vigil(pg)) {
            double before = agreed(vigil, pg, "pg_stat_database_blks_hit_total", db, serverSays);

            pg.executeIn(db, "SELECT sum(id) FROM item");
            pg.awaitNumber("postgres", serverSays, n -> n > before);
            double after = agreed(vigil, pg, "pg_stat_database_blks_hit_total", db, serverSays);
            assertThat(after).isGreaterThan(before);
        }
    }

    /** Waits until Vigil's value equals the server's own, and returns it. */
    static double agreed(RunningExporter vigil, TestPostgres pg, String metric, String db, String serverSql) {
        return vigil.awaitScrape(Duration.ofSeconds(15), s -> s.value(metric, "server", "main", "datname", db).orElse(-1.0)
                == pg.queryNumber("postgres", serverSql)).require(metric, "server", "main", "datname", db);
    }

    @EachPostgresVersion
    void everyColumnOfTheServersVersionAndNoOther(String version) throws Exception {
        TestPostgres pg = TestPostgres.shared(version);
        String db = pg.createDatabase("columns");
        pg.executeIn(db, "SELECT pg_stat_reset()"); // sets stats_reset, which is empty until a first reset
        String resetSql = "SELECT EXTRACT(EPOCH FROM stats_reset) FROM pg_stat_database WHERE datname = '" + db + "'";
        try (RunningExporter vigil = vigil(pg)) {
            pg.awaitNumber("postgres", resetSql, n -> n > 0);
            Scrape s = vigil.scrapeAfterNextPoll(SOURCE);
            assertThat(scraped(s, "pg_stat_database_stats_reset_timestamp_seconds", db))
                    .isEqualTo(pg.queryNumber("postgres", resetSql));
            assertThat(s.series().keySet()).noneMatch(k -> k.startsWith("pg_stat_database_") && k.contains("datname=\"\""));
            for (String always : List.of("xact_commit_total", "xact_rollback_total", "blks_read_total", "tup_returned_total",
                    "tup_fetched_total", "tup_inserted_total", "tup_updated_total", "tup_deleted_total", "conflicts_total",
                    "temp_files_total", "temp_bytes_total", "blk_read_time_seconds_total", "blk_write_time_seconds_total")) {
                assertThat(s.value("pg_stat_database_" + always, "server", "main", "datname", db)).as(always).isPresent();
            }
            boolean sessions = pg.major() >= 14;
            for (String pg14 : List.of("session_time_seconds_total", "active_time_seconds_total",
                    "idle_in_transaction_time_seconds_total", "sessions_total", "sessions_abandoned_total",
                    "sessions_fatal_total", "sessions_killed_total")) {
                assertThat(s.hasFamily("pg_stat_database_" + pg14)).as(pg14).isEqualTo(sessions);
            }
            assertThat(s.hasFamily("pg_stat_database_parallel_workers_launched_total")).isEqualTo(pg.major() >= 18);
            assertThat(s.hasFamily("pg_stat_database_parallel_workers_to_launch_total")).isEqualTo(pg.major() >= 18);
            // initdb turns data checksums on from PostgreSQL 18; where they are off the column is NULL and no series is made up.
            boolean checksums = pg.queryNumber("postgres", "SELECT (current_setting('data_checksums') = 'on')::int") == 1;
            assertThat(s.value("pg_stat_database_checksum_failures_total", "server", "main", "datname", db))
                    .isEqualTo(checksums ? Optional.of(0.0) : Optional.empty());
        }
    }
}
