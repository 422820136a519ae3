package dev.vigil.llm.sql;

import dev.vigil.llm.RequestStatus;
import dev.vigil.llm.Tokens;
import dev.vigil.llm.UsageEvent;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The columns a ledger query returns, found by name: {@code id}, {@code time}, {@code provider},
 * {@code model}, {@code input_tokens}, {@code output_tokens} are required; {@code cached_input_tokens},
 * {@code cache_write_tokens}, {@code cost_usd}, {@code status}, {@code duration_ms} and the attribution labels
 * are read when present.
 */
final class LedgerRows {
    private static final List<String> REQUIRED = List.of("id", "time", "provider", "model", "input_tokens", "output_tokens");

    private final List<String> attribution;

    LedgerRows(List<String> attribution) {
        this.attribution = attribution;
    }

    /** Column positions by name, 0 for an optional column the query does not return. */
    record Columns(Map<String, Integer> index) {
        int id() {
            return index.get("id");
        }

        int time() {
            return index.get("time");
        }

        int of(String name) {
            return index.getOrDefault(name, 0);
        }
    }

    Columns columns(ResultSetMetaData meta) throws SQLException {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            index.putIfAbsent(meta.getColumnLabel(i).toLowerCase(Locale.ROOT), i);
        }
        List<String> missing = new ArrayList<>(REQUIRED.stream().filter(c -> !index.containsKey(c)).toList());
        if (!missing.isEmpty()) {
            throw new SQLException("the query returns no column " + String.join(", ", missing)
                    + "; name the columns with AS (see the README's llm.sql section)", "42703");
        }
        return new Columns(index);
    }

    /** One row as a call; IllegalArgumentException for a row whose numbers cannot be counted. */
    UsageEvent event(ResultSet rs, Columns c, Instant time) throws SQLException {
        Tokens tokens = new Tokens(whole(rs, c.of("input_tokens")), whole(rs, c.of("output_tokens")),
                whole(rs, c.of("cached_input_tokens")), whole(rs, c.of("cache_write_tokens")));
        BigDecimal cost = c.of("cost_usd") == 0 ? null : rs.getBigDecimal(c.of("cost_usd"));
        if (cost != null && cost.signum() < 0) {
            throw new IllegalArgumentException("cost_usd is negative");
        }
        String status = c.of("status") == 0 ? null : rs.getString(c.of("status"));
        long duration = c.of("duration_ms") == 0 ? 0 : rs.getLong(c.of("duration_ms"));
        boolean hasDuration = c.of("duration_ms") != 0 && !rs.wasNull() && duration >= 0;
        Map<String, String> labels = new HashMap<>();
        for (String label : attribution) {
            String value = c.of(label) == 0 ? null : rs.getString(c.of(label));
            if (value != null) {
                labels.put(label, value);
            }
        }
        return new UsageEvent(rs.getString(c.of("provider")), rs.getString(c.of("model")), tokens, 1,
                status == null ? RequestStatus.OK : RequestStatus.parse(status).orElse(RequestStatus.OK),
                hasDuration ? OptionalLong.of(duration) : OptionalLong.empty(), Optional.ofNullable(cost), labels, Optional.of(time));
    }

    private static long whole(ResultSet rs, int column) throws SQLException {
        return column == 0 ? 0 : rs.getLong(column);
    }
}
