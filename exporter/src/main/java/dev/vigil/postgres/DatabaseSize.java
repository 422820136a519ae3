package dev.vigil.postgres;

import dev.vigil.poll.FamilyBuilder;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * {@code pg_database_size()} of every database. It stats every file of each database, so the source runs it
 * on its own, slower interval ({@code size_interval}) through {@link Periodic}.
 */
final class DatabaseSize implements ViewRead {
    private final String server;
    private final int maxDatabases;

    DatabaseSize(String server, int maxDatabases) {
        this.server = server;
        this.maxDatabases = maxDatabases;
    }

    @Override
    public String collection() {
        return "pg_database";
    }

    @Override
    public List<MetricSnapshot> read(Connection connection, ServerVersion version) throws SQLException {
        FamilyBuilder size = FamilyBuilder.gauge("pg_database_size_bytes",
                "Disk space used by the database, from pg_database_size(); read every size_interval", "server", "datname");
        try (PreparedStatement s = connection.prepareStatement(
                "SELECT datname, pg_database_size(oid) FROM pg_database ORDER BY datname LIMIT ?")) {
            s.setInt(1, maxDatabases);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    size.add(rs.getLong(2), server, rs.getString(1));
                }
            }
        }
        return List.of(size.build());
    }
}
