package dev.vigil.postgres;

import dev.vigil.config.StatementsConfig;
import dev.vigil.poll.FamilyBuilder;
import dev.vigil.poll.PollErrorReason;
import dev.vigil.poll.PollException;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * The top statements by total execution time from {@code pg_stat_statements} (opt-in). Only {@code top}
 * statements are read, so the series stay bounded whatever the workload; the query text goes in a separate
 * info metric, truncated, so the counters' label sets stay short.
 */
final class StatStatements implements ViewRead {
    /*
     * From PostgreSQL 14, with pg_stat_statements.track = all, a statement run inside a function has a second
     * row with toplevel = false; its time is already in the calling statement's, so only top-level rows count.
     */
    private static final String SQL = """
            SELECT d.datname, COALESCE(r.rolname, s.userid::text) AS rolname, s.queryid::text AS queryid,
                   s.calls, s.total_exec_time, s.rows, left(s.query, ?) AS query
            FROM pg_stat_statements s
            JOIN pg_database d ON d.oid = s.dbid
            LEFT JOIN pg_roles r ON r.oid = s.userid
            WHERE s.queryid IS NOT NULL %s
            ORDER BY s.total_exec_time DESC
            LIMIT ?""";
    private static final String UNDEFINED_TABLE = "42P01";

    private final String server;
    private final StatementsConfig config;

    StatStatements(String server, StatementsConfig config) {
        this.server = server;
        this.config = config;
    }

    @Override
    public String collection() {
        return "pg_stat_statements";
    }

    @Override
    public List<MetricSnapshot> read(Connection connection, ServerVersion version) throws SQLException {
        String[] labels = {"server", "datname", "user", "queryid"};
        FamilyBuilder calls = FamilyBuilder.counter("pg_stat_statements_calls",
                "Times the statement was executed (pg_stat_statements.calls); top statements by total time only", labels);
        FamilyBuilder time = FamilyBuilder.counter("pg_stat_statements_exec_time_seconds",
                "Time spent executing the statement (pg_stat_statements.total_exec_time)", labels);
        FamilyBuilder rows = FamilyBuilder.counter("pg_stat_statements_rows",
                "Rows retrieved or affected by the statement (pg_stat_statements.rows)", labels);
        FamilyBuilder info = FamilyBuilder.gauge("pg_stat_statements_query_info",
                "Always 1; the statement's normalised text, truncated to query_length (pg_stat_statements.query)",
                "server", "datname", "user", "queryid", "query");
        try (PreparedStatement s = connection.prepareStatement(SQL.formatted(version.atLeast(14) ? "AND s.toplevel" : ""))) {
            s.setInt(1, config.queryLength());
            s.setInt(2, config.top());
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    String[] key = {server, rs.getString("datname"), rs.getString("rolname"), rs.getString("queryid")};
                    calls.add(rs.getLong("calls"), key);
                    time.add(rs.getDouble("total_exec_time") / 1000.0, key);
                    rows.add(rs.getLong("rows"), key);
                    info.add(1, key[0], key[1], key[2], key[3], rs.getString("query").replaceAll("\\s+", " ").trim());
                }
            }
        } catch (SQLException e) {
            if (UNDEFINED_TABLE.equals(e.getSQLState())) {
                throw new PollException(PollErrorReason.QUERY, "postgres " + server + ": pg_stat_statements is enabled in "
                        + "the config but not installed in the database Vigil connects to: run CREATE EXTENSION "
                        + "pg_stat_statements there (the server also needs shared_preload_libraries = 'pg_stat_statements')", e);
            }
            throw e;
        }
        return List.of(calls.build(), time.build(), rows.build(), info.build());
    }
}
