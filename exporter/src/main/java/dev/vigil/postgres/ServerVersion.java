package dev.vigil.postgres;

import dev.vigil.poll.PollErrorReason;
import dev.vigil.poll.PollException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** The server's {@code server_version_num} (e.g. 170002) and {@code server_version} text, read once per connection. */
record ServerVersion(int number, String text) {
    /** The oldest major version whose views Vigil reads; 12 is out of support and lacks columns we rely on. */
    static final int OLDEST_MAJOR = 13;

    /** The version behind a new session; a server older than {@link #OLDEST_MAJOR} is refused. */
    static ServerVersion read(Connection c, String server) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_setting('server_version_num')::int, current_setting('server_version')")) {
            rs.next();
            ServerVersion v = new ServerVersion(rs.getInt(1), rs.getString(2));
            if (!v.atLeast(OLDEST_MAJOR)) {
                throw new PollException(PollErrorReason.DATA, "postgres " + server + ": the server runs PostgreSQL "
                        + v.text() + "; Vigil reads " + OLDEST_MAJOR + " and later", null);
            }
            return v;
        }
    }

    int major() {
        return number / 10000;
    }

    boolean atLeast(int major) {
        return major() >= major;
    }
}
