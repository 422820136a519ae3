package dev.vigil.postgres;

import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/** Runs a heavier read at most once per its own interval and repeats its last families in the polls between. */
final class Periodic implements ViewRead {
    private final ViewRead read;
    private final Duration interval;
    private List<MetricSnapshot> last;
    private long readAtNanos;

    Periodic(ViewRead read, Duration interval) {
        this.read = read;
        this.interval = interval;
    }

    @Override
    public String collection() {
        return read.collection();
    }

    @Override
    public List<MetricSnapshot> read(Connection connection, ServerVersion version) throws SQLException {
        if (last == null || System.nanoTime() - readAtNanos >= interval.toNanos()) {
            last = read.read(connection, version);
            readAtNanos = System.nanoTime();
        }
        return last;
    }
}
