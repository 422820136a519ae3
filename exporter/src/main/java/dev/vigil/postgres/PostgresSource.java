package dev.vigil.postgres;

import dev.vigil.config.PostgresConfig;
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

/**
 * One PostgreSQL server. Each poll runs every read on the server's one connection, on a worker thread (JDBC
 * blocks), and succeeds only when every built-in read did: {@code pg_up} is 1 only then. Custom queries report
 * their own failures ({@link CustomQueries}).
 */
public final class PostgresSource implements Source {
    private final PostgresConfig config;
    private final Vertx vertx;
    private final ServerSession session;
    private final List<ViewRead> reads = new ArrayList<>();

    public PostgresSource(PostgresConfig config, Vertx vertx) {
        this.config = config;
        this.vertx = vertx;
        this.session = new ServerSession(config);
        String server = config.server();
        reads.add(new StatDatabase(server, config.maxDatabases()));
        reads.add(new StatActivity(server, config.maxDatabases()));
        reads.add(new Settings(server));
        reads.add(new Replication(server));
        reads.add(new ReplicationSlots(server));
        reads.add(new Periodic(new DatabaseSize(server, config.maxDatabases()), config.sizeInterval()));
        config.statements().ifPresent(s -> reads.add(new StatStatements(server, s)));
        if (!config.queries().isEmpty()) {
            reads.add(new CustomQueries(server, config.queries()));
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
        return vertx.executeBlocking(this::readAll, false);
    }

    @Override
    public List<MetricSnapshot> familiesWhenDown() {
        return List.of(up(false));
    }

    @Override
    public Future<Void> close() {
        return vertx.executeBlocking(() -> {
            synchronized (this) {
                session.close();
            }
            return null;
        }, false);
    }

    /** Synchronized: polls run one at a time but on changing worker threads, and close() must wait for a running one. */
    private synchronized PollResult readAll() {
        try {
            Connection connection = session.connection();
            ServerVersion version = session.version();
            List<MetricSnapshot> families = new ArrayList<>();
            for (ViewRead read : reads) {
                families.addAll(read.read(connection, version));
            }
            families.add(up(true));
            session.pollSucceeded();
            return new PollResult(families, "PostgreSQL " + version.text());
        } catch (SQLException | RuntimeException e) {
            PollException failure = PostgresErrors.classify(config.server(), e);
            session.pollFailed(failure);
            throw failure;
        }
    }

    private MetricSnapshot up(boolean up) {
        return FamilyBuilder.gauge("pg_up", "1 when the last poll of the server read everything it should (custom queries "
                + "aside: see pg_custom_query_up), 0 when it failed", "server").add(up ? 1 : 0, config.server()).build();
    }
}
