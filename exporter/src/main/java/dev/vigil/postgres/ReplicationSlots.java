package dev.vigil.postgres;

import dev.vigil.poll.FamilyBuilder;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * {@code pg_replication_slots}: how much WAL each slot keeps on disk. A slot whose consumer has gone away
 * keeps WAL until the disk fills, which is why retained bytes and activity are both reported.
 */
final class ReplicationSlots implements ViewRead {
    /* On a replica pg_current_wal_lsn() fails: its slots are measured against the WAL it has received. */
    private static final String SQL = """
            SELECT slot_name, slot_type, active,
                   pg_wal_lsn_diff(CASE WHEN pg_is_in_recovery()
                                        THEN COALESCE(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())
                                        ELSE pg_current_wal_lsn() END, restart_lsn)::float8 AS retained_bytes
            FROM pg_replication_slots
            ORDER BY slot_name""";

    private final String server;

    ReplicationSlots(String server) {
        this.server = server;
    }

    @Override
    public String collection() {
        return "pg_replication_slots";
    }

    @Override
    public List<MetricSnapshot> read(Connection connection, ServerVersion version) throws SQLException {
        FamilyBuilder retained = FamilyBuilder.gauge("pg_replication_slot_retained_wal_bytes",
                "WAL kept for the slot: current WAL position minus pg_replication_slots.restart_lsn; absent while the slot reserves none",
                "server", "slot_name", "slot_type");
        FamilyBuilder active = FamilyBuilder.gauge("pg_replication_slot_active",
                "1 when a consumer is connected to the slot (pg_replication_slots.active), else 0",
                "server", "slot_name", "slot_type");
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(SQL)) {
            while (rs.next()) {
                String name = rs.getString("slot_name");
                String type = rs.getString("slot_type");
                active.add(rs.getBoolean("active") ? 1 : 0, server, name, type);
                double bytes = rs.getDouble("retained_bytes");
                if (!rs.wasNull()) {
                    retained.add(bytes, server, name, type);
                }
            }
        }
        return List.of(retained.build(), active.build());
    }
}
