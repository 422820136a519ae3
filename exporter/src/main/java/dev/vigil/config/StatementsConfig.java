package dev.vigil.config;

import java.util.Optional;

/**
 * The opt-in read of {@code pg_stat_statements}: only the {@code top} statements by total execution time,
 * so a server with thousands of distinct statements cannot flood Prometheus.
 */
public record StatementsConfig(int top, int queryLength) {
    public static final int DEFAULT_TOP = 20;
    /** The hard cap on statements, and so on series: each statement makes four. */
    public static final int MAX_TOP = 200;
    public static final int DEFAULT_QUERY_LENGTH = 200;

    /** Empty when the section says {@code enabled: false} (the default). */
    static Optional<StatementsConfig> read(YamlSection section) throws ConfigException {
        boolean enabled = section.bool("enabled", false);
        int top = section.integer("top", DEFAULT_TOP, 1, MAX_TOP);
        int queryLength = section.integer("query_length", DEFAULT_QUERY_LENGTH, 10, 10_000);
        section.finish();
        return enabled ? Optional.of(new StatementsConfig(top, queryLength)) : Optional.empty();
    }
}
