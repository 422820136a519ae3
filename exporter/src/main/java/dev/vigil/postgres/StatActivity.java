package dev.vigil.postgres;

import dev.vigil.poll.FamilyBuilder;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code pg_stat_activity}, counted per database: client connections in each state, the oldest open
 * transaction, and connections waiting on a lock. Only client backends count (as they do against
 * max_connections); Vigil's own connection is one of them, in state {@code active}.
 */
final class StatActivity implements ViewRead {
    /** Every state a client backend can be in; each is reported, 0 when empty, so series do not come and go. */
    private static final List<String> STATES = List.of("active", "idle", "idle in transaction",
            "idle in transaction (aborted)", "fastpath function call", "disabled");

    private static final String SQL = """
            SELECT d.datname, a.state,
                   count(a.pid) AS connections,
                   count(a.pid) FILTER (WHERE a.wait_event_type = 'Lock') AS waiting_on_lock,
                   COALESCE(max(EXTRACT(EPOCH FROM clock_timestamp() - a.xact_start)), 0)::float8 AS max_tx_seconds
            FROM (SELECT oid, datname FROM pg_database ORDER BY datname LIMIT ?) d
            LEFT JOIN pg_stat_activity a ON a.datid = d.oid AND a.backend_type = 'client backend'
            GROUP BY d.datname, a.state
            ORDER BY d.datname""";

    private final String server;
    private final int maxDatabases;

    StatActivity(String server, int maxDatabases) {
        this.server = server;
        this.maxDatabases = maxDatabases;
    }

    /** What one database's rows add up to. */
    private static final class PerDatabase {
        final Map<String, Long> byState = new LinkedHashMap<>();
        long waitingOnLock;
        double maxTxSeconds;

        PerDatabase() {
            STATES.forEach(s -> byState.put(s, 0L));
        }
    }

    @Override
    public String collection() {
        return "pg_stat_activity";
    }

    @Override
    public List<MetricSnapshot> read(Connection connection, ServerVersion version) throws SQLException {
        Map<String, PerDatabase> databases = new LinkedHashMap<>();
        try (PreparedStatement s = connection.prepareStatement(SQL)) {
            s.setInt(1, maxDatabases);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    PerDatabase db = databases.computeIfAbsent(rs.getString("datname"), k -> new PerDatabase());
                    String state = rs.getString("state");
                    if (state != null) { // null: no client connection to this database at all
                        db.byState.merge(state, rs.getLong("connections"), Long::sum);
                    }
                    db.waitingOnLock += rs.getLong("waiting_on_lock");
                    db.maxTxSeconds = Math.max(db.maxTxSeconds, rs.getDouble("max_tx_seconds"));
                }
            }
        }
        return families(databases);
    }

    private List<MetricSnapshot> families(Map<String, PerDatabase> databases) {
        FamilyBuilder count = FamilyBuilder.gauge("pg_stat_activity_count",
                "Client connections in each state (pg_stat_activity.state, client backends only)", "server", "datname", "state");
        FamilyBuilder maxTx = FamilyBuilder.gauge("pg_stat_activity_max_tx_duration_seconds",
                "Age of the oldest open transaction of a client connection (now - pg_stat_activity.xact_start), 0 when none",
                "server", "datname");
        FamilyBuilder waiting = FamilyBuilder.gauge("pg_stat_activity_waiting_on_lock",
                "Client connections waiting to acquire a lock (pg_stat_activity.wait_event_type = 'Lock')", "server", "datname");
        databases.forEach((datname, db) -> {
            db.byState.forEach((state, n) -> count.add(n, server, datname, state));
            maxTx.add(db.maxTxSeconds, server, datname);
            waiting.add(db.waitingOnLock, server, datname);
        });
        return List.of(count.build(), maxTx.build(), waiting.build());
    }
}
