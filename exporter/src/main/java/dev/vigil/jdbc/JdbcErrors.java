package dev.vigil.jdbc;

import dev.vigil.config.Redaction;
import dev.vigil.poll.PollErrorReason;
import dev.vigil.poll.PollException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.util.concurrent.CompletionException;

/**
 * Turns what the JDBC driver throws into a {@link PollException} with a reason and a message naming the
 * source. The reason comes from the SQLSTATE class (https://www.postgresql.org/docs/current/errcodes-appendix.html).
 */
public final class JdbcErrors {
    private JdbcErrors() {
    }

    /** {@code subject} names the source: {@code postgres primary}, {@code sql jdbc:postgresql://db/app}. */
    public static PollException classify(String subject, Throwable error) {
        Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (e instanceof PollException p) {
            return p;
        }
        return new PollException(reason(e), subject + ": " + Redaction.redactUrl(PollException.describe(e)), e);
    }

    /** True when the session is gone (so the connection must be reopened), as opposed to one statement failing. */
    public static boolean sessionLost(SQLException e) {
        return reason(e) == PollErrorReason.CONNECTION;
    }

    private static PollErrorReason reason(Throwable e) {
        String state = e instanceof SQLException s && s.getSQLState() != null ? s.getSQLState() : "";
        if (e instanceof SocketTimeoutException || e.getCause() instanceof SocketTimeoutException
                || state.equals("57014") || state.equals("55P03")) {
            return PollErrorReason.TIMEOUT; // socket timeout, statement_timeout, lock_timeout
        }
        if (state.startsWith("28") || state.equals("42501")) {
            return PollErrorReason.AUTH; // bad password or role, or a privilege pg_monitor lacks
        }
        if (state.startsWith("08") || state.startsWith("57P") || state.startsWith("53")
                || e instanceof IOException || e.getCause() instanceof IOException) {
            return PollErrorReason.CONNECTION; // unreachable, shut down, restarting, out of connection slots
        }
        return e instanceof SQLException ? PollErrorReason.QUERY : PollErrorReason.INTERNAL;
    }
}
