package dev.vigil.postgres;

import dev.vigil.config.CustomQueryConfig;
import dev.vigil.config.CustomQueryConfig.Column;
import dev.vigil.poll.FamilyBuilder;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One query from the config: each row becomes a sample of {@code <name>_<column>} for every gauge or counter
 * column, labelled by the label columns. At most {@code max_rows} rows are read.
 */
final class CustomQuery {
    private final String server;
    private final CustomQueryConfig config;
    private final List<String> labelColumns;

    CustomQuery(String server, CustomQueryConfig config) {
        this.server = server;
        this.config = config;
        this.labelColumns = config.columns().entrySet().stream().filter(e -> e.getValue() == Column.LABEL).map(Map.Entry::getKey).toList();
    }

    String name() {
        return config.name();
    }

    CustomQueryConfig config() {
        return config;
    }

    List<MetricSnapshot> run(Connection connection) throws SQLException {
        Map<String, FamilyBuilder> families = families();
        Set<List<String>> seen = new HashSet<>();
        try (Statement s = connection.createStatement()) {
            s.setMaxRows(config.maxRows());
            try (ResultSet rs = s.executeQuery(config.sql())) {
                requireColumns(rs.getMetaData());
                while (rs.next()) {
                    String[] labels = labels(rs);
                    if (!seen.add(List.of(labels))) {
                        throw new SQLException("two rows have the same labels " + List.of(labels).subList(1, labels.length)
                                + "; make the label columns unique (GROUP BY them)", "21000");
                    }
                    for (Map.Entry<String, FamilyBuilder> family : families.entrySet()) {
                        BigDecimal value = rs.getBigDecimal(family.getKey());
                        if (value != null) { // a NULL value makes no sample rather than a made-up 0
                            family.getValue().add(value.doubleValue(), labels);
                        }
                    }
                }
            }
        }
        List<MetricSnapshot> out = new ArrayList<>();
        families.values().forEach(f -> out.add(f.build()));
        return out;
    }

    private Map<String, FamilyBuilder> families() {
        String[] labelNames = new String[labelColumns.size() + 1];
        labelNames[0] = "server";
        for (int i = 0; i < labelColumns.size(); i++) {
            labelNames[i + 1] = labelColumns.get(i);
        }
        String help = config.help().map(h -> h + "; ").orElse("") + "from custom query '" + config.name() + "', column ";
        Map<String, FamilyBuilder> families = new LinkedHashMap<>();
        config.columns().forEach((column, kind) -> {
            String metric = config.name() + "_" + column;
            if (kind == Column.GAUGE) {
                families.put(column, FamilyBuilder.gauge(metric, help + column, labelNames));
            } else if (kind == Column.COUNTER) {
                families.put(column, FamilyBuilder.counter(metric, help + column, labelNames));
            }
        });
        return families;
    }

    private String[] labels(ResultSet rs) throws SQLException {
        String[] labels = new String[labelColumns.size() + 1];
        labels[0] = server;
        for (int i = 0; i < labelColumns.size(); i++) {
            String value = rs.getString(labelColumns.get(i));
            labels[i + 1] = value == null ? "" : value;
        }
        return labels;
    }

    private void requireColumns(ResultSetMetaData meta) throws SQLException {
        Set<String> returned = new HashSet<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            returned.add(meta.getColumnLabel(i));
        }
        for (String column : config.columns().keySet()) {
            if (!returned.contains(column)) {
                throw new SQLException("the query returns no column '" + column + "' (it returns " + returned
                        + "); name it with AS in the SQL", "42703");
            }
        }
    }
}
