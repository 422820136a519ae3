package dev.vigil.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.vigil.poll.PollErrorReason;
import dev.vigil.poll.PollException;
import dev.vigil.support.HalfOpenProxy;
import dev.vigil.support.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The one session type both PostgreSQL readers use, against a real server (embedded PostgreSQL, newest version). */
class ServerSessionIT {
    private static TestPostgres server() {
        List<String> versions = TestPostgres.versions();
        return TestPostgres.shared(versions.get(versions.size() - 1));
    }

    private static JdbcTarget target(int port, Duration statementTimeout) {
        return new JdbcTarget("sql test", "jdbc:postgresql://127.0.0.1:" + port + "/postgres", Optional.of("postgres"), Optional.empty(),
                "vigil session-test", Duration.ofSeconds(2), statementTimeout, Duration.ofSeconds(1));
    }

    private static int one(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** What a source does with a failed read: classify it and tell the session. */
    private static PollException failed(ServerSession session, Connection c, String sql) {
        try {
            one(c, sql);
            throw new AssertionError("expected " + sql + " to fail");
        } catch (SQLException e) {
            PollException failure = JdbcErrors.classify("sql test", e);
            session.pollFailed(failure);
            return failure;
        }
    }

    @Test
    void aHalfOpenConnectionFailsTheReadWithinTheSocketBoundThenTheSessionBacksOffAndReconnects() throws Exception {
        try (HalfOpenProxy proxy = new HalfOpenProxy(server().port())) {
            ServerSession session = new ServerSession(target(proxy.port(), Duration.ofSeconds(1)), c -> { });
            Connection first = session.connection();
            assertThat(one(first, "SELECT 1")).isEqualTo(1);
            session.pollSucceeded();

            proxy.cut();
            // Nothing comes back, not even the server's statement_timeout cancel: only the socket timeout
            // (statement timeout + 5 s) ends the wait. Without it this read would block its thread for good.
            PollException failure = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> failed(session, first, "SELECT 2"));
            assertThat(failure.reason()).isEqualTo(PollErrorReason.TIMEOUT);
            assertThat(first.isClosed()).isTrue();

            // The next poll does not hammer the server: it fails at once while the session backs off (1 s)...
            assertThatThrownBy(session::connection).isInstanceOf(PollException.class)
                    .hasMessageContaining("next attempt to connect in")
                    .extracting(e -> ((PollException) e).reason()).isEqualTo(PollErrorReason.CONNECTION);
            // ...then opens a new session, read-only and bounded as the first.
            Thread.sleep(1100);
            Connection second = session.connection();
            assertThat(second).isNotSameAs(first);
            assertThat(one(second, "SELECT 3")).isEqualTo(3);
            assertThat(one(second, "SELECT (current_setting('statement_timeout') = '1s'"
                    + " AND current_setting('default_transaction_read_only') = 'on')::int")).isEqualTo(1);
            session.close();
        }
    }

    @Test
    void aStatementOverItsTimeoutIsCancelledByTheServerAndTheSessionIsKept() throws Exception {
        ServerSession session = new ServerSession(target(server().port(), Duration.ofMillis(500)), c -> { });
        Connection c = session.connection();
        PollException failure = failed(session, c, "SELECT count(*) FROM pg_sleep(3)");
        assertThat(failure.reason()).isEqualTo(PollErrorReason.TIMEOUT);
        assertThat(failure.getMessage()).startsWith("sql test: ").contains("statement timeout");
        // Only the statement failed: the same session serves the next poll, with no backoff.
        assertThat(session.connection()).isSameAs(c);
        assertThat(one(c, "SELECT 4")).isEqualTo(4);
        session.close();
    }

    @Test
    void writesAreRefusedAndASetUpCheckCanRefuseTheSession() throws Exception {
        ServerSession session = new ServerSession(target(server().port(), Duration.ofSeconds(2)), c -> { });
        Connection c = session.connection();
        PollException write = failed(session, c, "CREATE TABLE vigil_must_not_write (x int)");
        assertThat(write.reason()).isEqualTo(PollErrorReason.QUERY);
        assertThat(write.getMessage()).contains("read-only transaction");
        session.close();

        ServerSession refused = new ServerSession(target(server().port(), Duration.ofSeconds(2)), conn -> {
            throw new PollException(PollErrorReason.DATA, "sql test: not a ledger", null);
        });
        assertThatThrownBy(refused::connection).isInstanceOf(PollException.class).hasMessage("sql test: not a ledger");
    }
}
