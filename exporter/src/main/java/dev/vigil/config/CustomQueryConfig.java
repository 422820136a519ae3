package dev.vigil.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
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
    /**
     * Vigil's own families start with these: a query named {@code llm} with a column {@code tokens} would add
     * samples to {@code llm_tokens}, next to (and confused with) the built-in ones.
     */
    private static final List<String> RESERVED_PREFIXES = List.of("pg_", "bullmq_", "redis_", "cache_", "llm_", "vigil_");

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
        checkNotReserved(section, name, columns);
        Duration interval = section.duration("interval", serverInterval);
        int maxRows = section.integer("max_rows", DEFAULT_MAX_ROWS, 1, 100_000);
        section.finish();
        return new CustomQueryConfig(name, sql, help, columns, interval, maxRows);
    }

    private static void checkNotReserved(YamlSection section, String name, Map<String, Column> columns) throws ConfigException {
        for (Map.Entry<String, Column> column : columns.entrySet()) {
            String family = name + "_" + column.getKey();
            Optional<String> prefix = RESERVED_PREFIXES.stream().filter(family.toLowerCase(Locale.ROOT)::startsWith).findFirst();
            if (column.getValue() != Column.LABEL && prefix.isPresent()) {
                throw section.error("name", "the query's metric " + family + " would start with '" + prefix.get()
                        + "', which Vigil keeps for its own metrics; choose a name of the application's own, e.g. 'app'");
            }
        }
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
