package dev.vigil.postgres;

import dev.vigil.poll.FamilyBuilder;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The connection limits from {@code pg_settings}, to compare with {@code pg_stat_activity_count}: ordinary
 * roles can use max_connections minus the reserved slots.
 */
final class Settings implements ViewRead {
    /** Setting name to help text; reserved_connections exists from PostgreSQL 16 and is simply absent before. */
    private static final Map<String, String> SETTINGS = new LinkedHashMap<>();

    static {
        SETTINGS.put("max_connections", "Most concurrent connections the server accepts (pg_settings max_connections)");
        SETTINGS.put("superuser_reserved_connections",
                "Connection slots kept for superusers (pg_settings superuser_reserved_connections)");
        SETTINGS.put("reserved_connections",
                "Connection slots kept for roles with pg_use_reserved_connections (pg_settings reserved_connections, PG 16+)");
    }

    private final String server;

    Settings(String server) {
        this.server = server;
    }

    @Override
    public String collection() {
        return "pg_settings";
    }

    @Override
    public List<MetricSnapshot> read(Connection connection, ServerVersion version) throws SQLException {
        List<MetricSnapshot> out = new ArrayList<>();
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT name, setting::bigint FROM pg_settings WHERE name IN ('"
                     + String.join("', '", SETTINGS.keySet()) + "') ORDER BY name")) {
            while (rs.next()) {
                String name = rs.getString(1);
                out.add(FamilyBuilder.gauge("pg_settings_" + name, SETTINGS.get(name), "server").add(rs.getLong(2), server).build());
            }
        }
        return out;
    }
}
