package dev.vigil.llm.sql;

import dev.vigil.config.LlmSqlConfig;
import dev.vigil.config.Redaction;
import dev.vigil.jdbc.JdbcErrors;
import dev.vigil.jdbc.JdbcTarget;
import dev.vigil.jdbc.ServerSession;
import dev.vigil.llm.UsageEvent;
import dev.vigil.llm.UsageReader;
import dev.vigil.poll.PollException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.List;
import java.util.TimeZone;
import java.util.logging.Logger;

/**
 * A table of LLM calls in PostgreSQL, read incrementally: each poll asks for the rows from the watermark
 * (less the overlap) on, oldest first, and counts the ones not counted before. JDBC blocks, so each poll runs
 * on a worker thread, on the reader's {@link ServerSession} (read-only, bounded, re-opened after a backoff).
 */
public final class SqlLedgerReader implements UsageReader {
    private static final Logger LOG = Logger.getLogger(SqlLedgerReader.class.getName());
    /** Timestamps without a time zone are taken as UTC, as LiteLLM writes them. */
    private static final Calendar UTC = Calendar.getInstance(TimeZone.getTimeZone("UTC"));

    private final LlmSqlConfig config;
    private final LedgerRows rows;
    private final Vertx vertx;
    private final String sql;
    private final LedgerWatermark watermark;
    private final String subject;
    private final ServerSession session;

    public SqlLedgerReader(LlmSqlConfig config, List<String> attribution, Vertx vertx) {
        this.config = config;
        this.rows = new LedgerRows(attribution);
        this.vertx = vertx;
        this.sql = "SELECT * FROM (" + config.query() + ") AS ledger WHERE ledger.\"time\" >= ? ORDER BY ledger.\"time\"";
        this.watermark = new LedgerWatermark(config.overlap());
        this.subject = "sql " + Redaction.redactUrl(config.url());
        // One bound for all: the poll's timeout is what a ledger read may take, connecting included.
        this.session = new ServerSession(new JdbcTarget(subject, config.url(), config.user(), config.password(), "vigil " + config.name(),
                config.timeout(), config.timeout(), config.timeout()), c -> { });
    }

    @Override
    public Future<Reading> read() {
        return vertx.executeBlocking(this::readNewRows);
    }

    private synchronized Reading readNewRows() {
        try {
            Reading reading;
            try (PreparedStatement statement = session.connection().prepareStatement(sql)) {
                statement.setMaxRows(config.maxRowsPerPoll() + watermark.remembered());
                statement.setTimestamp(1, Timestamp.from(watermark.lowerBound()), UTC);
                try (ResultSet rs = statement.executeQuery()) {
                    reading = newRows(rs);
                }
            }
            session.pollSucceeded();
            return reading;
        } catch (SQLException | RuntimeException e) {
            PollException failure = JdbcErrors.classify(subject, e);
            session.pollFailed(failure);
            throw failure;
        }
    }

    private Reading newRows(ResultSet rs) throws SQLException {
        LedgerRows.Columns columns = rows.columns(rs.getMetaData());
        List<UsageEvent> events = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        List<Instant> times = new ArrayList<>();
        String skippedReason = null;
        int skipped = 0;
        while (rs.next()) {
            String id = rs.getString(columns.id());
            Timestamp time = rs.getTimestamp(columns.time(), UTC);
            if (id == null || time == null || watermark.counted(id)) {
                continue;
            }
            try {
                events.add(rows.event(rs, columns, time.toInstant()));
            } catch (IllegalArgumentException e) {
                skipped++;
                skippedReason = "row " + id + ": " + e.getMessage();
            }
            ids.add(id);
            times.add(time.toInstant());
        }
        // Only a read that went through to the end moves the watermark: a failed poll is read again whole.
        for (int i = 0; i < ids.size(); i++) {
            watermark.count(ids.get(i), times.get(i));
        }
        watermark.trim();
        if (skipped > 0) {
            LOG.warning("source " + config.name() + ": skipped " + skipped + " rows that cannot be counted, e.g. " + skippedReason);
        }
        return new Reading(events, ids.size() + " new rows" + (watermark.newest() == null ? "" : ", newest " + watermark.newest()));
    }

    @Override
    public Future<Void> close() {
        return session.close(vertx, this);
    }
}
