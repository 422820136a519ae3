package dev.vigil.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One PostgreSQL server, named under {@code postgres:}; the name is the {@code server} label of its metrics
 * and the source is called {@code postgres/<name>}. TLS and other driver options go in the JDBC URL.
 */
public record PostgresConfig(
        String server,
        String url,
        Optional<String> user,
        Optional<Secret> password,
        Duration interval,
        Duration timeout,
        Duration connectTimeout,
        Duration statementTimeout,
        Duration lockTimeout,
        Duration sizeInterval,
        int maxDatabases,
        Optional<StatementsConfig> statements,
        List<CustomQueryConfig> queries) {

    public static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/postgres";
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(15);
    public static final Duration MAX_DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Long enough for a lock held by a quick DDL, short enough that a poll never queues behind a migration. */
    public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(1);
    /** pg_database_size() stats every file of a database: too heavy for every poll on a large server. */
    public static final Duration DEFAULT_SIZE_INTERVAL = Duration.ofMinutes(5);
    /** Bounds the series a server with thousands of per-tenant databases can create. */
    public static final int DEFAULT_MAX_DATABASES = 1000;
    private static final String URL_PREFIX = "jdbc:postgresql:";

    public PostgresConfig {
        queries = List.copyOf(queries);
    }

    /** The source name: the {@code source} label of the self metrics. */
    public String name() {
        return "postgres/" + server;
    }

    /** The URL with any password in it replaced, for logs, summaries and the status page. */
    public String redactedUrl() {
        return Redaction.redactUrl(url);
    }

    static PostgresConfig read(String server, YamlSection section) throws ConfigException {
        String url = section.string("url", DEFAULT_URL).trim();
        if (!url.startsWith(URL_PREFIX)) {
            throw section.error("url", "expected a JDBC URL such as " + DEFAULT_URL + ", got '" + Redaction.redactUrl(url) + "'");
        }
        Optional<String> user = section.string("user");
        Optional<Secret> password = section.secret("password");
        Duration interval = section.duration("interval", DEFAULT_INTERVAL);
        // As for BullMQ: a poll may take up to its interval, but no more than ten seconds unless told otherwise.
        Duration timeout = section.duration("timeout", interval.compareTo(MAX_DEFAULT_TIMEOUT) < 0 ? interval : MAX_DEFAULT_TIMEOUT);
        Duration connectTimeout = section.duration("connect_timeout", DEFAULT_CONNECT_TIMEOUT);
        Duration statementTimeout = section.duration("statement_timeout", timeout);
        Duration lockTimeout = section.duration("lock_timeout", DEFAULT_LOCK_TIMEOUT);
        Duration sizeInterval = section.duration("size_interval", DEFAULT_SIZE_INTERVAL);
        int maxDatabases = section.integer("max_databases", DEFAULT_MAX_DATABASES, 1, 100_000);
        Optional<StatementsConfig> statements = section.section("pg_stat_statements").isPresent()
                ? StatementsConfig.read(section.section("pg_stat_statements").get())
                : Optional.empty();
        List<CustomQueryConfig> queries = readQueries(section, interval);
        section.finish();
        return new PostgresConfig(server, url, user, password, interval, timeout, connectTimeout, statementTimeout,
                lockTimeout, sizeInterval, maxDatabases, statements, queries);
    }

    private static List<CustomQueryConfig> readQueries(YamlSection section, Duration interval) throws ConfigException {
        List<CustomQueryConfig> queries = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (YamlSection one : section.sectionList("queries")) {
            CustomQueryConfig query = CustomQueryConfig.read(one, interval);
            if (!names.add(query.name())) {
                throw one.error("name", "query name '" + query.name() + "' is used twice for this server; metric names must be unique");
            }
            queries.add(query);
        }
        return queries;
    }
}
