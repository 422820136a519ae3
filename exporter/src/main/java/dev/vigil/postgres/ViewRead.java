package dev.vigil.postgres;

import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * One read of the server per poll (a view, a function, a query of the user's), turned into metric families.
 * Runs on a worker thread with the source's connection; never two at once for one server.
 */
interface ViewRead {
    List<MetricSnapshot> read(Connection connection, ServerVersion version) throws SQLException;

    /** The view or catalog read, named on the read's span; null when the read makes spans of its own. */
    default String collection() {
        return null;
    }
}
