package dev.vigil.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.support.EachPostgresVersion;
import dev.vigil.support.RunningExporter;
import dev.vigil.support.Scrape;
import dev.vigil.support.TestPostgres;
import java.time.Duration;
import java.util.Map;

/** A primary and its streaming replica, both served by one Vigil: is the replica behind, and by how much. */
class ReplicaIT {
    private static final String REPLAY_BEHIND = "SELECT (pg_last_wal_receive_lsn() > pg_last_wal_replay_lsn())::int";

    @EachPostgresVersion
    void lagIsZeroWhenCaughtUpAndGrowsWhileReplayIsPaused(String version) {
        try (TestPostgres primary = TestPostgres.start(version, Map.of());
             TestPostgres replica = primary.startReplica()) {
            String yaml = "postgres:\n" + primary.sourceYaml("primary", "postgres") + replica.sourceYaml("replica", "postgres");
            try (RunningExporter vigil = RunningExporter.start(yaml)) {
                primary.execute("CREATE TABLE tick (at timestamptz)", "INSERT INTO tick VALUES (now())");
                // Lag is measured from the last replayed transaction: wait until the replica has replayed one.
                replica.awaitNumber("postgres", "SELECT (pg_last_xact_replay_timestamp() IS NOT NULL)::int", n -> n == 1);
                Scrape caughtUp = vigil.awaitScrape(Duration.ofSeconds(15),
                        s -> s.value("pg_replication_lag_seconds", "server", "replica").orElse(-1.0) == 0.0);
                assertThat(caughtUp.require("pg_up", "server", "primary")).isEqualTo(1.0);
                assertThat(caughtUp.require("pg_up", "server", "replica")).isEqualTo(1.0);
                assertThat(caughtUp.require("pg_replication_is_replica", "server", "primary")).isEqualTo(0.0);
                assertThat(caughtUp.require("pg_replication_is_replica", "server", "replica")).isEqualTo(1.0);
                assertThat(caughtUp.require("pg_replication_receiving", "server", "replica")).isEqualTo(1.0);
                assertThat(caughtUp.hasFamily("pg_replication_lag_seconds")).isTrue();
                assertThat(caughtUp.value("pg_replication_lag_seconds", "server", "primary")).isEmpty();
                assertThat(caughtUp.require("pg_replication_slot_active", "server", "primary", "slot_name", "replica",
                        "slot_type", "physical")).isEqualTo(1.0);

                replica.execute("SELECT pg_wal_replay_pause()");
                primary.execute("INSERT INTO tick VALUES (now())");
                replica.awaitNumber("postgres", REPLAY_BEHIND, n -> n == 1);
                double behind = vigil.scrapeAfterNextPoll("postgres/replica").require("pg_replication_lag_seconds", "server", "replica");
                assertThat(behind).isGreaterThan(0.0);
                RunningExporter.sleep(1000);
                double later = vigil.scrapeAfterNextPoll("postgres/replica").require("pg_replication_lag_seconds", "server", "replica");
                assertThat(later).isGreaterThanOrEqualTo(behind + 1.0);

                replica.execute("SELECT pg_wal_replay_resume()");
                vigil.awaitScrape(Duration.ofSeconds(15), s -> s.value("pg_replication_lag_seconds", "server", "replica").orElse(-1.0) == 0.0);
            }
        }
    }
}
