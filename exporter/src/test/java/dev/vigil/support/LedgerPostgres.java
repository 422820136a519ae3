package dev.vigil.support;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A real PostgreSQL server (zonky's embedded binaries, default version) on a free loopback port, holding the
 * ledger tables the LLM tests read, plus plain JDBC for the test to write rows as LiteLLM or an application
 * would and to compute the sums Vigil must agree with.
 */
public final class LedgerPostgres implements AutoCloseable {
    private final TestPostgres server;
    private final String database;

    private LedgerPostgres(TestPostgres server, String database) {
        this.server = server;
        this.database = database;
    }

    /** A database of its own on the newest shared test server. */
    public static LedgerPostgres start() {
        List<String> versions = TestPostgres.versions();
        TestPostgres server = TestPostgres.shared(versions.get(versions.size() - 1));
        return new LedgerPostgres(server, server.createDatabase("ledger"));
    }

    /** The URL Vigil is configured with (user postgres, no password: the embedded server trusts loopback). */
    public String jdbcUrl() {
        return server.jdbcUrl(database);
    }

    public void execute(String... statements) {
        server.executeIn(database, statements);
    }

    /** The rows of a query, each row's first column as key and the others as exact decimals. */
    public Map<String, BigDecimal[]> sums(String sql) {
        Map<String, BigDecimal[]> out = new LinkedHashMap<>();
        try (Connection c = server.connect(database); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                BigDecimal[] values = new BigDecimal[n - 1];
                for (int i = 2; i <= n; i++) {
                    values[i - 2] = rs.getBigDecimal(i);
                }
                out.put(rs.getString(1), values);
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** The shared server outlives the test; its database is left for the JVM's end. */
    @Override
    public void close() {
    }
}
