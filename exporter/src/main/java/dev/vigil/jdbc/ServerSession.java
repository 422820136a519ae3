package dev.vigil.jdbc;

import dev.vigil.config.Redaction;
import dev.vigil.poll.PollErrorReason;
import dev.vigil.poll.PollException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import org.postgresql.Driver;

/**
 * The one long-lived connection a source keeps to a PostgreSQL server: opened lazily, set up so that no
 * statement can hang or hold locks for long (and a half-open connection cannot hold the worker thread: the
 * socket times out shortly after the statement would have), and after a failure re-opened only after a
 * backoff (1 s doubling to 1 min), so a struggling server is not hit by a reconnect on every poll. Not
 * thread-safe: the source calls it from one poll at a time.
 */
public final class ServerSession {
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(1);
    /** Time for the server's own statement_timeout cancel to reach us before the socket gives up. */
    private static final int SOCKET_GRACE_SECONDS = 5;

    private final JdbcTarget target;
    private final SetUp setUp;
    private Connection connection;
    private Duration backoff = Duration.ZERO;
    private long retryAtNanos;
    private String lastFailure = "";

    /** What a source checks or reads once on each new session before using it; throwing refuses the session. */
    @FunctionalInterface
    public interface SetUp {
        void check(Connection c) throws SQLException;
    }

    public ServerSession(JdbcTarget target, SetUp setUp) {
        this.target = target;
        this.setUp = setUp;
    }

    /** The open connection, opening it first when there is none; fails at once while backing off. */
    public Connection connection() throws SQLException {
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
            bound(opened);
            setUp.check(opened);
        } catch (SQLException | RuntimeException e) {
            opened.close();
            throw e;
        }
        connection = opened;
        return connection;
    }

    public void pollSucceeded() {
        backoff = Duration.ZERO;
    }

    /**
     * After a failed poll: keeps the connection when only a statement failed on it (a timeout, a missing
     * privilege); otherwise drops it and backs off before opening the next.
     */
    public void pollFailed(PollException failure) {
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

    /**
     * Closes the session on a worker thread (closing a JDBC connection may block), once the poll holding
     * {@code pollLock} has finished.
     */
    public Future<Void> close(Vertx vertx, Object pollLock) {
        return vertx.executeBlocking(() -> {
            synchronized (pollLock) {
                close();
            }
            return null;
        }, false);
    }

    public void close() {
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
        target.user().ifPresent(u -> props.setProperty("user", u));
        target.password().ifPresent(p -> props.setProperty("password", p.value()));
        props.setProperty("ApplicationName", target.applicationName());
        // The driver counts these in whole seconds, and 0 would mean "wait forever".
        props.setProperty("connectTimeout", Long.toString(ceilSeconds(target.connectTimeout())));
        props.setProperty("loginTimeout", Long.toString(ceilSeconds(target.connectTimeout())));
        props.setProperty("socketTimeout", Long.toString(ceilSeconds(target.statementTimeout()) + SOCKET_GRACE_SECONDS));
        props.setProperty("tcpKeepAlive", "true");
        Connection c = new Driver().connect(target.url(), props);
        if (c == null) {
            throw new SQLException("the PostgreSQL driver does not accept the URL " + Redaction.redactUrl(target.url()), "08001");
        }
        return c;
    }

    /** Makes the session read-only and bounded. */
    private void bound(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SET default_transaction_read_only = on");
            s.execute("SET statement_timeout = " + target.statementTimeout().toMillis());
            s.execute("SET lock_timeout = " + target.lockTimeout().toMillis());
            s.execute("SET idle_in_transaction_session_timeout = " + target.statementTimeout().toMillis());
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
