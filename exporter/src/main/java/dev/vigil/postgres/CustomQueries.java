package dev.vigil.postgres;

import dev.vigil.config.CustomQueryConfig;
import dev.vigil.config.Redaction;
import dev.vigil.jdbc.JdbcErrors;
import dev.vigil.poll.FamilyBuilder;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * The custom queries of one server, each on its own interval. A query that fails is reported by
 * {@code pg_custom_query_up 0} and loses its series; it does not fail the poll, so a typo in one query never
 * hides the server's health. Only a lost session does, since then nothing else can be read either.
 */
final class CustomQueries implements ViewRead {
    private static final Logger LOG = Logger.getLogger(CustomQueries.class.getName());

    /** One query with its last outcome. */
    private static final class LastRun {
        final CustomQuery query;
        List<MetricSnapshot> last = List.of();
        boolean up = true;
        long ranAtNanos;
        boolean ranOnce;

        LastRun(CustomQuery query) {
            this.query = query;
        }
    }

    private final String server;
    private final List<LastRun> queries = new ArrayList<>();

    private final SqlSpans spans;

    CustomQueries(String server, List<CustomQueryConfig> configs, SqlSpans spans) {
        this.server = server;
        this.spans = spans;
        configs.forEach(c -> queries.add(new LastRun(new CustomQuery(server, c))));
    }

    @Override
    public List<MetricSnapshot> read(Connection connection, ServerVersion version) throws SQLException {
        FamilyBuilder up = FamilyBuilder.gauge("pg_custom_query_up",
                "1 when the custom query's last run succeeded, 0 when it failed (its series are then left out)", "server", "query");
        List<MetricSnapshot> out = new ArrayList<>();
        for (LastRun q : queries) {
            if (!q.ranOnce || System.nanoTime() - q.ranAtNanos >= q.query.config().interval().toNanos()) {
                run(q, connection);
            }
            up.add(q.up ? 1 : 0, server, q.query.name());
            out.addAll(q.last);
        }
        out.add(up.build());
        return out;
    }

    private void run(LastRun q, Connection connection) throws SQLException {
        q.ranOnce = true;
        q.ranAtNanos = System.nanoTime();
        try {
            q.last = spans.run(null, q.query.config().sql(), () -> q.query.run(connection));
            if (!q.up) {
                LOG.info("postgres " + server + ": custom query '" + q.query.name() + "' works again");
            }
            q.up = true;
        } catch (SQLException e) {
            if (JdbcErrors.sessionLost(e)) {
                q.ranOnce = false; // run it again as soon as the session is back
                throw e;
            }
            if (q.up) {
                LOG.warning("postgres " + server + ": custom query '" + q.query.name() + "' failed: " + Redaction.redactUrl(e.getMessage()));
            }
            q.up = false;
            q.last = List.of();
        }
    }
}
