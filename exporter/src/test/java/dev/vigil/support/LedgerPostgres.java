package dev.vigil.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A real PostgreSQL server (zonky's embedded binaries, default version) on a free loopback port, holding the
 * ledger tables the LLM tests read, plus plain JDBC for the test to write rows as LiteLLM or an application
 * would and to compute the sums Vigil must agree with.
 */
public final class LedgerPostgres implements AutoCloseable {
    private final EmbeddedPostgres server;

    private LedgerPostgres(EmbeddedPostgres server) {
        this.server = server;
    }

    public static LedgerPostgres start() {
        try {
            return new LedgerPostgres(EmbeddedPostgres.builder().setPort(TestRedis.freePort()).start());
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded PostgreSQL", e);
        }
    }

    /** The URL Vigil is configured with (user postgres, no password: the embedded server trusts loopback). */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + server.getPort() + "/postgres";
    }

    public void execute(String... statements) {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** The rows of a query, each row's first column as key and the others as exact decimals. */
    public Map<String, BigDecimal[]> sums(String sql) {
        Map<String, BigDecimal[]> out = new LinkedHashMap<>();
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
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

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), "postgres", "");
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
