package dev.vigil.postgres;

import dev.vigil.poll.FamilyBuilder;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * {@code pg_stat_database}: one row per database, every column the server's version has
 * (https://www.postgresql.org/docs/current/monitoring-stats.html#MONITORING-PG-STAT-DATABASE-VIEW).
 * The row with datid 0, for shared catalogs, is not a database and is left out.
 */
final class StatDatabase implements ViewRead {
    private static final Logger LOG = Logger.getLogger(StatDatabase.class.getName());

    /** How a column becomes a sample: PostgreSQL counts times in milliseconds, Prometheus in seconds. */
    private enum Kind { GAUGE, COUNTER, MILLIS_COUNTER, TIMESTAMP }

    private record Column(String name, int sinceMajor, Kind kind, String help) {
        String select() {
            return kind == Kind.TIMESTAMP ? "EXTRACT(EPOCH FROM " + name + ")::float8 AS " + name : name;
        }

        FamilyBuilder family() {
            String metric = "pg_stat_database_" + name;
            String from = " (pg_stat_database." + name + ")";
            return switch (kind) {
                case GAUGE -> FamilyBuilder.gauge(metric, help + from, "server", "datname");
                case COUNTER -> FamilyBuilder.counter(metric, help + from, "server", "datname");
                case MILLIS_COUNTER -> FamilyBuilder.counter(metric + "_seconds", help + from, "server", "datname");
                case TIMESTAMP -> FamilyBuilder.gauge(metric + "_timestamp_seconds", help + from, "server", "datname");
            };
        }

        double value(ResultSet rs) throws SQLException {
            return kind == Kind.MILLIS_COUNTER ? rs.getDouble(name) / 1000.0 : rs.getDouble(name);
        }
    }

    private static final List<Column> COLUMNS = List.of(
            new Column("numbackends", 0, Kind.GAUGE, "Backends connected to the database now"),
            new Column("xact_commit", 0, Kind.COUNTER, "Transactions committed"),
            new Column("xact_rollback", 0, Kind.COUNTER, "Transactions rolled back"),
            new Column("blks_read", 0, Kind.COUNTER, "Disk blocks read from outside shared buffers"),
            new Column("blks_hit", 0, Kind.COUNTER, "Disk blocks found in shared buffers"),
            new Column("tup_returned", 0, Kind.COUNTER, "Rows returned by sequential scans and index entries returned by index scans"),
            new Column("tup_fetched", 0, Kind.COUNTER, "Live rows fetched by index scans"),
            new Column("tup_inserted", 0, Kind.COUNTER, "Rows inserted by queries"),
            new Column("tup_updated", 0, Kind.COUNTER, "Rows updated by queries"),
            new Column("tup_deleted", 0, Kind.COUNTER, "Rows deleted by queries"),
            new Column("conflicts", 0, Kind.COUNTER, "Queries canceled for conflicting with recovery (standbys only)"),
            new Column("temp_files", 0, Kind.COUNTER, "Temporary files created by queries"),
            new Column("temp_bytes", 0, Kind.COUNTER, "Bytes written to temporary files by queries"),
            new Column("deadlocks", 0, Kind.COUNTER, "Deadlocks detected"),
            new Column("checksum_failures", 0, Kind.COUNTER, "Data page checksum failures; absent when data checksums are off"),
            new Column("blk_read_time", 0, Kind.MILLIS_COUNTER, "Time backends spent reading data file blocks (needs track_io_timing)"),
            new Column("blk_write_time", 0, Kind.MILLIS_COUNTER, "Time backends spent writing data file blocks (needs track_io_timing)"),
            new Column("session_time", 14, Kind.MILLIS_COUNTER, "Time spent by sessions"),
            new Column("active_time", 14, Kind.MILLIS_COUNTER, "Time spent executing statements"),
            new Column("idle_in_transaction_time", 14, Kind.MILLIS_COUNTER, "Time spent idle in a transaction"),
            new Column("sessions", 14, Kind.COUNTER, "Sessions established"),
            new Column("sessions_abandoned", 14, Kind.COUNTER, "Sessions ended because the client went away"),
            new Column("sessions_fatal", 14, Kind.COUNTER, "Sessions ended by a fatal error"),
            new Column("sessions_killed", 14, Kind.COUNTER, "Sessions ended by an operator"),
            new Column("parallel_workers_to_launch", 18, Kind.COUNTER, "Parallel workers planned to be launched by queries"),
            new Column("parallel_workers_launched", 18, Kind.COUNTER, "Parallel workers launched by queries"),
            new Column("stats_reset", 0, Kind.TIMESTAMP, "Unix time these statistics were last reset; absent if never"));

    private final String server;
    private final int maxDatabases;
    private boolean truncationLogged;

    StatDatabase(String server, int maxDatabases) {
        this.server = server;
        this.maxDatabases = maxDatabases;
    }

    @Override
    public String collection() {
        return "pg_stat_database";
    }

    @Override
    public List<MetricSnapshot> read(Connection connection, ServerVersion version) throws SQLException {
        List<Column> columns = COLUMNS.stream().filter(c -> version.atLeast(c.sinceMajor())).toList();
        List<FamilyBuilder> families = columns.stream().map(Column::family).toList();
        String sql = "SELECT datname, " + columns.stream().map(Column::select).collect(Collectors.joining(", "))
                + " FROM pg_stat_database WHERE datid <> 0 ORDER BY datname LIMIT ?";
        int rows = 0;
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            s.setInt(1, maxDatabases + 1); // one more, to notice a truncation
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next() && ++rows <= maxDatabases) {
                    String datname = rs.getString("datname");
                    for (int i = 0; i < columns.size(); i++) {
                        double value = columns.get(i).value(rs);
                        if (!rs.wasNull()) {
                            families.get(i).add(value, server, datname);
                        }
                    }
                }
            }
        }
        logTruncation(rows);
        List<MetricSnapshot> out = new ArrayList<>();
        families.forEach(f -> out.add(f.build()));
        return out;
    }

    private void logTruncation(int rows) {
        if (rows > maxDatabases && !truncationLogged) {
            truncationLogged = true;
            LOG.warning("postgres " + server + ": more than " + maxDatabases + " databases; reporting the first "
                    + maxDatabases + " by name (raise max_databases to see more)");
        }
    }
}
