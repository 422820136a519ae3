package dev.vigil.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A query of the user's own, run on the server's connection: each row becomes one sample per value column,
 * named {@code <name>_<column>}, labelled by the label columns.
 */
public record CustomQueryConfig(String name, String sql, Optional<String> help, Map<String, Column> columns,
                                Duration interval, int maxRows) {
    /** What a result column becomes. */
    public enum Column { LABEL, GAUGE, COUNTER }

    /** Bounds the series one query can create; rows past it are not read. */
    public static final int DEFAULT_MAX_ROWS = 1000;
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    public CustomQueryConfig {
        columns = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(columns));
    }

    static CustomQueryConfig read(YamlSection section, Duration serverInterval) throws ConfigException {
        String name = section.requiredString("name");
        if (!NAME.matcher(name).matches()) {
            throw section.error("name", "must be a metric name (letters, digits and _, not starting with a digit), got '" + name + "'");
        }
        String sql = section.requiredString("sql").trim();
        Optional<String> help = section.string("help");
        Map<String, Column> columns = readColumns(section);
        Duration interval = section.duration("interval", serverInterval);
        int maxRows = section.integer("max_rows", DEFAULT_MAX_ROWS, 1, 100_000);
        section.finish();
        return new CustomQueryConfig(name, sql, help, columns, interval, maxRows);
    }

    private static Map<String, Column> readColumns(YamlSection section) throws ConfigException {
        YamlSection columns = section.section("columns")
                .orElseThrow(() -> section.error("columns", "is required: map each result column to label, gauge or counter"));
        Map<String, Column> out = new LinkedHashMap<>();
        for (String column : columns.keys()) {
            if (!NAME.matcher(column).matches() || column.equals("server")) {
                throw columns.error(column, "must be a label or metric name other than 'server' (letters, digits and _); "
                        + "rename the column with AS in the SQL");
            }
            String kind = columns.requiredString(column).trim().toUpperCase(Locale.ROOT);
            try {
                out.put(column, Column.valueOf(kind));
            } catch (IllegalArgumentException e) {
                throw columns.error(column, "expected label, gauge or counter, got '" + kind.toLowerCase(Locale.ROOT) + "'");
            }
        }
        if (!out.containsValue(Column.GAUGE) && !out.containsValue(Column.COUNTER)) {
            throw section.error("columns", "needs at least one gauge or counter column");
        }
        return out;
    }
}
