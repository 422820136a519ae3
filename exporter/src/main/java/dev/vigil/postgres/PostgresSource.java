package dev.vigil.postgres;

import dev.vigil.config.PostgresConfig;
import dev.vigil.jdbc.JdbcErrors;
import dev.vigil.jdbc.JdbcTarget;
import dev.vigil.jdbc.ServerSession;
import dev.vigil.poll.FamilyBuilder;
import dev.vigil.poll.PollException;
import dev.vigil.poll.PollResult;
import dev.vigil.poll.Source;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.net.URI;
import dev.vigil.trace.Tracing;
import io.opentelemetry.context.Context;

/**
 * One PostgreSQL server. Each poll runs every read on the server's one connection, on a worker thread (JDBC
 * blocks), and succeeds only when every built-in read did: {@code pg_up} is 1 only then. Custom queries report
 * their own failures ({@link CustomQueries}).
 */
public final class PostgresSource implements Source {
    /** Vigil's sessions by their application_name in pg_stat_activity. */
    static final String APPLICATION_NAME = "vigil";

    private final PostgresConfig config;
    private final Vertx vertx;
    private final ServerSession session;
    /** Read on each new session, before any view. */
    private ServerVersion version;
    private final List<ViewRead> reads = new ArrayList<>();
    private final SqlSpans spans;

    public PostgresSource(PostgresConfig config, Vertx vertx, Tracing tracing) {
        this.config = config;
        this.vertx = vertx;
        JdbcTarget target = new JdbcTarget("postgres " + config.server(), config.url(), config.user(), config.password(), APPLICATION_NAME,
                config.connectTimeout(), config.statementTimeout(), config.lockTimeout());
        this.session = new ServerSession(target, c -> version = ServerVersion.read(c, config.server()));
        this.spans = sqlSpans(config, tracing);
        String server = config.server();
        reads.add(new StatDatabase(server, config.maxDatabases()));
        reads.add(new StatActivity(server, config.maxDatabases()));
        reads.add(new Settings(server));
        reads.add(new Replication(server));
        reads.add(new ReplicationSlots(server));
        reads.add(new Periodic(new DatabaseSize(server, config.maxDatabases()), config.sizeInterval()));
        config.statements().ifPresent(s -> reads.add(new StatStatements(server, s)));
        if (!config.queries().isEmpty()) {
            reads.add(new CustomQueries(server, config.queries(), spans));
        }
    }

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public String kind() {
        return "postgres";
    }

    @Override
    public Duration interval() {
        return config.interval();
    }

    @Override
    public Duration timeout() {
        return config.timeout();
    }

    @Override
    public Future<PollResult> poll() {
        // Not ordered: one server's slow poll must not hold up another's; the engine never overlaps one source's polls.
        Context poll = Context.current(); // the engine's poll span, current only during this call
        return vertx.executeBlocking(() -> readAll(poll), false);
    }

    /** Where the server is, for the spans: from the JDBC URL (jdbc:postgresql://host:port/database?...). */
    private static SqlSpans sqlSpans(PostgresConfig config, Tracing tracing) {
        try {
            URI uri = URI.create(config.url().substring("jdbc:".length()));
            String path = uri.getPath();
            String database = path == null || path.length() <= 1 ? null : path.substring(1);
            return new SqlSpans(tracing, database, uri.getHost() == null ? "" : uri.getHost(), uri.getPort());
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            return new SqlSpans(tracing, null, "", -1);
        }
    }

    @Override
    public List<MetricSnapshot> familiesWhenDown() {
        return List.of(up(false));
    }

    @Override
    public Future<Void> close() {
        return session.close(vertx, this);
    }

    /** The databases this poll read: one {@code numbackends} point each (the shared-objects row is not one). */
    private static long databasesRead(List<MetricSnapshot> families) {
        return families.stream().filter(f -> f.getMetadata().getPrometheusName().equals("pg_stat_database_numbackends"))
                .mapToLong(f -> f.getDataPoints().size()).sum();
    }

    /** Synchronized: polls run one at a time but on changing worker threads, and close() must wait for a running one. */
    private synchronized PollResult readAll(Context poll) {
        spans.under(poll);
        try {
            Connection connection = session.connection();
            List<MetricSnapshot> families = new ArrayList<>();
            for (ViewRead read : reads) {
                families.addAll(read.collection() == null
                        ? read.read(connection, version)
                        : spans.run(read.collection(), null, () -> read.read(connection, version)));
            }
            families.add(up(true));
            session.pollSucceeded();
            return new PollResult(families, "PostgreSQL " + version.text(), databasesRead(families));
        } catch (SQLException | RuntimeException e) {
            PollException failure = JdbcErrors.classify("postgres " + config.server(), e);
            session.pollFailed(failure);
            throw failure;
        }
    }

    private MetricSnapshot up(boolean up) {
        return FamilyBuilder.gauge("pg_up", "1 when the last poll of the server read everything it should (custom queries "
                + "aside: see pg_custom_query_up), 0 when it failed", "server").add(up ? 1 : 0, config.server()).build();
    }
}
