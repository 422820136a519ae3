package dev.vigil.postgres;

import dev.vigil.poll.FamilyBuilder;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Whether the server is a replica and, if so, how far behind: from pg_is_in_recovery(), the received and
 * replayed WAL positions and pg_stat_wal_receiver.
 */
final class Replication implements ViewRead {
    /*
     * Lag is the age of the last replayed transaction, as postgres_exporter computes it; but when everything
     * received has been replayed the replica is not behind, however long the primary has been idle, so it is 0.
     * A replica cut off from its primary also replays all it received: pg_replication_receiving tells that apart.
     */
    private static final String SQL = """
            SELECT pg_is_in_recovery() AS replica,
                   CASE WHEN NOT pg_is_in_recovery() THEN NULL
                        WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
                        ELSE EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp())
                   END::float8 AS lag_seconds,
                   (SELECT count(*) FROM pg_stat_wal_receiver WHERE status = 'streaming') AS receiving""";

    private final String server;

    Replication(String server) {
        this.server = server;
    }

    @Override
    public String collection() {
        return "pg_stat_wal_receiver";
    }

    @Override
    public List<MetricSnapshot> read(Connection connection, ServerVersion version) throws SQLException {
        FamilyBuilder replica = FamilyBuilder.gauge("pg_replication_is_replica",
                "1 when the server is a replica (pg_is_in_recovery()), else 0", "server");
        FamilyBuilder lag = FamilyBuilder.gauge("pg_replication_lag_seconds",
                "Replicas only: age of the last replayed transaction (pg_last_xact_replay_timestamp()), "
                        + "0 when all WAL received is replayed", "server");
        FamilyBuilder receiving = FamilyBuilder.gauge("pg_replication_receiving",
                "Replicas only: 1 while the WAL receiver is streaming from the primary (pg_stat_wal_receiver), else 0", "server");
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(SQL)) {
            rs.next();
            boolean isReplica = rs.getBoolean("replica");
            replica.add(isReplica ? 1 : 0, server);
            if (isReplica) {
                double seconds = rs.getDouble("lag_seconds");
                if (!rs.wasNull()) { // null while behind but with no transaction replayed since the replica started
                    lag.add(Math.max(0, seconds), server); // below 0 only when the primary's clock is ahead of ours
                }
                receiving.add(rs.getLong("receiving") > 0 ? 1 : 0, server);
            }
        }
        return List.of(replica.build(), lag.build(), receiving.build());
    }
}
