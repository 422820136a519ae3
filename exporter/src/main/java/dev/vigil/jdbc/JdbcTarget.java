package dev.vigil.jdbc;

import dev.vigil.config.Secret;
import java.time.Duration;
import java.util.Optional;

/**
 * A database a {@link ServerSession} connects to, and how long anything on it may take.
 *
 * @param subject          names the source in error messages ({@code postgres primary}, {@code sql jdbc:postgresql://db/app})
 * @param applicationName  the session's {@code application_name}, so a DBA sees whose session it is
 * @param statementTimeout the server cancels a longer statement; the socket gives up a few seconds later, so a
 *                         half-open connection cannot hold a worker thread
 */
public record JdbcTarget(String subject, String url, Optional<String> user, Optional<Secret> password, String applicationName,
                         Duration connectTimeout, Duration statementTimeout, Duration lockTimeout) {
}
