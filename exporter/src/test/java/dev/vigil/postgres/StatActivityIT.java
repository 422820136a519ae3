package dev.vigil.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.support.EachPostgresVersion;
import dev.vigil.support.RunningExporter;
import dev.vigil.support.Scrape;
import dev.vigil.support.TestPostgres;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;

/** pg_stat_activity as on-call people read it: a transaction left open, and a session stuck behind its lock. */
class StatActivityIT {
    private static final String SOURCE = "postgres/main";

    @EachPostgresVersion
    void aSessionIdleInTransactionMakesTheOldestTransactionAgeGrowAndBlocksAnother(String version) throws Exception {
        TestPostgres pg = TestPostgres.shared(version);
        String db = pg.createDatabase("activity");
        pg.executeIn(db, "CREATE TABLE job (id int PRIMARY KEY, state text)", "INSERT INTO job VALUES (1, 'new')");
        try (RunningExporter vigil = RunningExporter.start("postgres:\n" + pg.sourceYaml("main", "postgres"))) {
            Connection forgotten = pg.connect(db);
            forgotten.setAutoCommit(false);
            try (Statement s = forgotten.createStatement()) {
                s.executeUpdate("UPDATE job SET state = 'taken' WHERE id = 1"); // then the application forgets to commit
            }
            Connection blocked = pg.connect(db);
            CompletableFuture<Integer> waiting = CompletableFuture.supplyAsync(() -> {
                try (Statement s = blocked.createStatement()) {
                    return s.executeUpdate("UPDATE job SET state = 'retried' WHERE id = 1");
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            pg.awaitNumber("postgres", "SELECT count(*) FROM pg_stat_activity WHERE datname = '" + db
                    + "' AND wait_event_type = 'Lock'", n -> n == 1);

            Scrape first = vigil.scrapeAfterNextPoll(SOURCE);
            assertThat(activity(first, db, "idle in transaction")).isEqualTo(1.0);
            assertThat(activity(first, db, "active")).isEqualTo(1.0);
            assertThat(first.require("pg_stat_activity_waiting_on_lock", "server", "main", "datname", db)).isEqualTo(1.0);
            double age = first.require("pg_stat_activity_max_tx_duration_seconds", "server", "main", "datname", db);
            assertThat(age).isGreaterThan(0.0);

            RunningExporter.sleep(1000);
            double later = vigil.scrapeAfterNextPoll(SOURCE)
                    .require("pg_stat_activity_max_tx_duration_seconds", "server", "main", "datname", db);
            assertThat(later).isGreaterThanOrEqualTo(age + 1.0);

            forgotten.rollback();
            assertThat(waiting.get()).isEqualTo(1);
            Scrape after = vigil.scrapeAfterNextPoll(SOURCE);
            assertThat(activity(after, db, "idle in transaction")).isEqualTo(0.0);
            assertThat(activity(after, db, "idle")).isEqualTo(2.0);
            assertThat(after.require("pg_stat_activity_waiting_on_lock", "server", "main", "datname", db)).isEqualTo(0.0);
            assertThat(after.require("pg_stat_activity_max_tx_duration_seconds", "server", "main", "datname", db)).isEqualTo(0.0);
        }
    }

    private static double activity(Scrape s, String db, String state) {
        return s.require("pg_stat_activity_count", "server", "main", "datname", db, "state", state);
    }
}
