package dev.vigil.postgres;

import dev.vigil.trace.Tracing;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import java.sql.SQLException;
import java.util.regex.Pattern;

/**
 * Client spans for the statements of one server's poll, with the database semantic conventions
 * ({@code db.system.name=postgresql}, {@code db.operation.name}, {@code db.collection.name},
 * {@code db.query.text} with literal values replaced by {@code ?}), children of the poll's span.
 */
final class SqlSpans {
    private static final Pattern STRING_LITERAL = Pattern.compile("'(?:[^']|'')*'");
    private static final Pattern NUMBER_LITERAL = Pattern.compile("(?<![\\w.$])\\d+(?:\\.\\d+)?(?![\\w.])");

    interface SqlWork<T> {
        T run() throws SQLException;
    }

    private final Tracing tracing;
    private final Attributes server;
    private volatile Context poll = Context.root();

    SqlSpans(Tracing tracing, String database, String host, int port) {
        this.tracing = tracing;
        AttributesBuilder a = Attributes.builder().put("db.system.name", "postgresql").put("server.address", host);
        if (port > 0) {
            a.put("server.port", (long) port);
        }
        if (database != null) {
            a.put("db.namespace", database);
        }
        this.server = a.build();
    }

    /** The poll whose statements follow; polls of one server never overlap. */
    void under(Context pollContext) {
        this.poll = pollContext;
    }

    <T> T run(String collection, String sql, SqlWork<T> work) throws SQLException {
        if (!tracing.enabled()) {
            return work.run();
        }
        AttributesBuilder a = server.toBuilder().put("db.operation.name", "SELECT");
        if (collection != null) {
            a.put("db.collection.name", collection);
        }
        if (sql != null) {
            a.put("db.query.text", withoutLiterals(sql));
        }
        Span span = tracing.tracer().spanBuilder(collection == null ? "SELECT" : "SELECT " + collection)
                .setParent(poll).setSpanKind(SpanKind.CLIENT).setAllAttributes(a.build()).startSpan();
        try {
            return work.run();
        } catch (SQLException | RuntimeException e) {
            Tracing.failed(span, e);
            throw e;
        } finally {
            span.end();
        }
    }

    /** Literal values can carry personal data or secrets; the semantic conventions ask for them to be masked. */
    static String withoutLiterals(String sql) {
        String s = STRING_LITERAL.matcher(sql).replaceAll("?");
        return NUMBER_LITERAL.matcher(s).replaceAll("?");
    }
}
