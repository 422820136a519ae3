package dev.vigil.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.support.EachPostgresVersion;
import dev.vigil.support.RunningExporter;
import dev.vigil.support.Scrape;
import dev.vigil.support.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;

/** The opt-in pg_stat_statements read: the statements that cost the most, and a clear error when it is not installed. */
class StatStatementsIT {
    private static final String SOURCE = "postgres/main";

    @EachPostgresVersion
    void theCostliestStatementIsReportedWithItsCallsAndText(String version) throws Exception {
        TestPostgres pg = TestPostgres.shared(version);
        String db = pg.createDatabase("statements");
        // The shared server's earlier tests made statements of their own: the ranking starts afresh.
        pg.executeIn(db, "CREATE EXTENSION pg_stat_statements", "SELECT pg_stat_statements_reset()");
        String slow = "SELECT pg_sleep(0.2) AS slow_report";
        pg.executeIn(db, slow, slow, slow);
        String queryId;
        try (Connection c = pg.connect(db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT queryid::text FROM pg_stat_statements WHERE query LIKE '%slow_report%' "
                     + "AND query NOT LIKE '%pg_stat_statements%'")) {
            rs.next();
            queryId = rs.getString(1);
        }
        String yaml = "postgres:\n" + pg.sourceYaml("main", db) + """
                    pg_stat_statements: { enabled: true, top: 5, query_length: 16 }
                """;
        try (RunningExporter vigil = RunningExporter.start(yaml)) {
            Scrape s = vigil.awaitScrape(Duration.ofSeconds(10), x -> x.value("pg_up", "server", "main").orElse(0.0) == 1.0);
            String[] key = {"server", "main", "datname", db, "user", "postgres", "queryid", queryId};
            assertThat(s.require("pg_stat_statements_calls_total", key)).isEqualTo(3.0);
            assertThat(s.require("pg_stat_statements_exec_time_seconds_total", key)).isGreaterThanOrEqualTo(0.6);
            assertThat(s.require("pg_stat_statements_rows_total", key)).isEqualTo(3.0);
            assertThat(s.require("pg_stat_statements_query_info", "server", "main", "datname", db, "user", "postgres",
                    "queryid", queryId, "query", "SELECT pg_sleep(")).isEqualTo(1.0);
            assertThat(s.series().keySet().stream().filter(k -> k.startsWith("pg_stat_statements_calls_total{"))).hasSize(5);
        }
    }

    @EachPostgresVersion
    void enabledButNotInstalledFailsThePollAndSaysWhatToDo(String version) {
        TestPostgres pg = TestPostgres.shared(version);
        String db = pg.createDatabase("nostatements");
        String yaml = "postgres:\n" + pg.sourceYaml("main", db) + """
                    pg_stat_statements: { enabled: true }
                """;
        try (RunningExporter vigil = RunningExporter.start(yaml)) {
            Scrape s = vigil.awaitScrape(Duration.ofSeconds(10),
                    x -> x.value("vigil_source_poll_errors_total", "source", SOURCE, "reason", "query").orElse(0.0) >= 1.0);
            assertThat(s.require("pg_up", "server", "main")).isEqualTo(0.0);
            assertThat(s.require("vigil_source_up", "source", SOURCE)).isEqualTo(0.0);
            assertThat(s.hasFamily("pg_stat_database_xact_commit_total")).isFalse();
            assertThat(vigil.get("/").body()).contains("run CREATE EXTENSION pg_stat_statements there");
        }
    }
}
