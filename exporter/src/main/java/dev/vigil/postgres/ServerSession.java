package dev.vigil.postgres;

import dev.vigil.config.PostgresConfig;
import dev.vigil.poll.PollErrorReason;
import dev.vigil.poll.PollException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import org.postgresql.Driver;

/**
 * The one long-lived connection Vigil keeps to a server: opened lazily, set up so that no statement can hang
 * or hold locks for long, and after a failure re-opened only after a backoff (1 s doubling to 1 min), so a
 * struggling server is not hit by a reconnect on every poll. Not thread-safe: the source calls it from one
 * poll at a time.
 */
final class ServerSession {
    static final String APPLICATION_NAME = "vigil";
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(1);
    /** Time for the server's own statement_timeout cancel to reach us before the socket gives up. */
    private static final int SOCKET_GRACE_SECONDS = 5;

    private final PostgresConfig config;
    private Connection connection;
    private ServerVersion version;
    private Duration backoff = Duration.ZERO;
    private long retryAtNanos;
    private String lastFailure = "";

    ServerSession(PostgresConfig config) {
        this.config = config;
    }

    /** The open connection, opening it first when there is none; fails at once while backing off. */
    Connection connection() throws SQLException {
        if (connection != null) {
            return connection;
        }
        long waitNanos = waitNanos();
        if (waitNanos > 0) {
            throw new PollException(PollErrorReason.CONNECTION, lastFailure + " (next attempt to connect in "
                    + Math.max(1, waitNanos / 1_000_000) + " ms)", null);
        }
        Connection opened = open();
        try {
            version = setUp(opened);
        } catch (SQLException | RuntimeException e) {
            opened.close();
            throw e;
        }
        connection = opened;
        return connection;
    }

    /** The version of the server behind the open connection; call after {@link #connection()}. */
    ServerVersion version() {
        return version;
    }

    void pollSucceeded() {
        backoff = Duration.ZERO;
    }

    /**
     * After a failed poll: keeps the connection when only a statement failed on it (a timeout, a missing
     * privilege); otherwise drops it and backs off before opening the next.
     */
    void pollFailed(PollException failure) {
        if (connection == null && waitNanos() > 0) {
            return; // the poll failed because we are still waiting: that must not lengthen the wait
        }
        boolean statementOnly = connection != null && isOpen(connection)
                && failure.reason() != PollErrorReason.CONNECTION && failure.reason() != PollErrorReason.INTERNAL;
        if (statementOnly) {
            return;
        }
        close();
        lastFailure = failure.getMessage();
        backoff = backoff.isZero() ? FIRST_BACKOFF : min(backoff.multipliedBy(2), MAX_BACKOFF);
        retryAtNanos = System.nanoTime() + backoff.toNanos();
    }

    void close() {
        Connection c = connection;
        connection = null;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                // The session is already gone on the server's side: there is nothing left to release.
            }
        }
    }

    private Connection open() throws SQLException {
        Properties props = new Properties();
        config.user().ifPresent(u -> props.setProperty("user", u));
        config.password().ifPresent(p -> props.setProperty("password", p.value()));
        props.setProperty("ApplicationName", APPLICATION_NAME);
        // The driver counts these in whole seconds, and 0 would mean "wait forever".
        props.setProperty("connectTimeout", Long.toString(ceilSeconds(config.connectTimeout())));
        props.setProperty("loginTimeout", Long.toString(ceilSeconds(config.connectTimeout())));
        props.setProperty("socketTimeout", Long.toString(ceilSeconds(config.statementTimeout()) + SOCKET_GRACE_SECONDS));
        props.setProperty("tcpKeepAlive", "true");
        Connection c = new Driver().connect(config.url(), props);
        if (c == null) {
            throw new SQLException("the PostgreSQL driver does not accept the URL " + config.redactedUrl(), "08001");
        }
        return c;
    }

    /** Makes the session read-only and bounded, then reads the version once. */
    private ServerVersion setUp(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SET default_transaction_read_only = on");
            s.execute("SET statement_timeout = " + config.statementTimeout().toMillis());
            s.execute("SET lock_timeout = " + config.lockTimeout().toMillis());
            s.execute("SET idle_in_transaction_session_timeout = " + config.statementTimeout().toMillis());
            try (ResultSet rs = s.executeQuery("SELECT current_setting('server_version_num')::int, current_setting('server_version')")) {
                rs.next();
                ServerVersion v = new ServerVersion(rs.getInt(1), rs.getString(2));
                if (!v.atLeast(ServerVersion.OLDEST_MAJOR)) {
                    throw new PollException(PollErrorReason.DATA, "postgres " + config.server() + ": the server runs PostgreSQL "
                            + v.text() + "; Vigil reads " + ServerVersion.OLDEST_MAJOR + " and later", null);
                }
                return v;
            }
        }
    }

    /** How long until the next attempt to connect may be made; 0 or less when it may be made now. */
    private long waitNanos() {
        return backoff.isZero() ? 0 : retryAtNanos - System.nanoTime();
    }

    private static boolean isOpen(Connection c) {
        try {
            return !c.isClosed();
        } catch (SQLException e) {
            return false;
        }
    }

    private static long ceilSeconds(Duration d) {
        return Math.max(1, (d.toMillis() + 999) / 1000);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) < 0 ? a : b;
    }
}
