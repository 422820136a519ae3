package dev.vigil.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoublePredicate;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A real PostgreSQL server (zonky's embedded binaries) on a free loopback port, in one of the versions the
 * build copies into {@code target/postgres-binaries}, plus plain JDBC sessions for the test to act as the
 * application would. Stop and start keep the port and the data, so a running exporter sees the same server
 * come back.
 */
public final class TestPostgres implements AutoCloseable {
    /** The role the README tells users to create: it can log in and holds pg_monitor, nothing else. */
    public static final String MONITOR_ROLE = "vigil";
    public static final String MONITOR_PASSWORD = "vigil-test";

    private static final Map<String, TestPostgres> SHARED = new ConcurrentHashMap<>();

    private final String version;
    private final JarBinary binary;
    private final Path dataDirectory;
    private final int port;
    private final Map<String, String> serverConfig;
    private final List<Connection> sessions = new ArrayList<>();
    private EmbeddedPostgres server;

    private TestPostgres(String version, JarBinary binary, Map<String, String> serverConfig) throws IOException {
        this.version = version;
        this.binary = binary;
        this.dataDirectory = Files.createTempDirectory("vigil-pg" + major(version) + "-");
        this.port = TestRedis.freePort();
        this.serverConfig = serverConfig;
    }

    /** The versions the build provides, e.g. {@code 13.23.0}, oldest first; for {@code @MethodSource}. */
    public static List<String> versions() {
        return Arrays.stream(System.getProperty("vigil.postgres.versions", "").split(",")).filter(v -> !v.isBlank()).toList();
    }

    /**
     * A server of this version shared by every test in the JVM; tests keep out of each other's way by
     * working in a database of their own ({@link #createDatabase}). Closed when the JVM exits.
     */
    public static TestPostgres shared(String version) {
        return SHARED.computeIfAbsent(version, v -> start(v, Map.of()));
    }

    /** A server of this version for one test alone (one that stops it, say). */
    public static TestPostgres start(String version, Map<String, String> extraConfig) {
        try {
            Map<String, String> config = new java.util.HashMap<>(Map.of(
                    "shared_preload_libraries", "pg_stat_statements",
                    // The deadlock test waits this long before PostgreSQL breaks the cycle.
                    "deadlock_timeout", "100ms"));
            config.putAll(extraConfig);
            TestPostgres pg = new TestPostgres(version, JarBinary.of(version), config);
            pg.startServer();
            pg.execute("CREATE ROLE " + MONITOR_ROLE + " LOGIN PASSWORD '" + MONITOR_PASSWORD + "'",
                    "GRANT pg_monitor TO " + MONITOR_ROLE);
            return pg;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts a streaming replica of this server: a copy of its data directory taken while it is stopped (the
     * binaries have no pg_basebackup), following it through the replication slot {@code replica}.
     */
    public TestPostgres startReplica() {
        try {
            execute("SELECT pg_create_physical_replication_slot('replica', true)");
            stopServer();
            TestPostgres replica = new TestPostgres(version, binary, serverConfig);
            copyData(dataDirectory, replica.dataDirectory);
            Files.writeString(replica.dataDirectory.resolve("standby.signal"), "");
            Files.writeString(replica.dataDirectory.resolve("postgresql.auto.conf"), "primary_conninfo = 'host=127.0.0.1 port="
                    + port + " user=postgres application_name=replica'\nprimary_slot_name = 'replica'\n",
                    java.nio.file.StandardOpenOption.APPEND);
            startServer();
            replica.startServer();
            return replica;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copyData(Path from, Path to) throws IOException {
        try (var paths = Files.walk(from)) {
            for (Path source : (Iterable<Path>) paths::iterator) {
                String name = source.getFileName().toString();
                if (name.equals("postmaster.pid") || name.equals("epg-lock")) {
                    continue;
                }
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    public void startServer() {
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setPgBinaryResolver(binary)
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .setPGStartupWait(Duration.ofSeconds(60));
            serverConfig.forEach(builder::setServerConfig);
            server = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start PostgreSQL " + version, e);
        }
    }

    /** Stops the server (fast shutdown: open sessions are ended, as when a database fails over). */
    public void stopServer() {
        closeSessions();
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String version() {
        return version;
    }

    public int major() {
        return major(version);
    }

    public int port() {
        return port;
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /**
     * Vigil's config for this server as an entry under {@code postgres:}, connecting as the monitoring role,
     * polling every 200 ms (database sizes too). Further keys of the entry may follow, indented four spaces.
     */
    public String sourceYaml(String server, String database) {
        return """
                  %s:
                    url: %s
                    user: %s
                    password: %s
                    interval: 200ms
                    timeout: 5s
                    size_interval: 200ms
                """.formatted(server, jdbcUrl(database), MONITOR_ROLE, MONITOR_PASSWORD);
    }

    /** Creates a database of the test's own, so counters read there move only by what the test does. */
    public String createDatabase(String prefix) {
        String name = prefix + "_" + Long.toString(System.nanoTime(), 36);
        execute("CREATE DATABASE " + name);
        return name;
    }

    /** A new superuser session on this database, closed with this object or when the server stops. */
    public Connection connect(String database) {
        try {
            Connection c = DriverManager.getConnection(jdbcUrl(database) + "?user=postgres&ApplicationName=vigil-test");
            sessions.add(c);
            return c;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot connect to " + jdbcUrl(database) + ": " + e.getMessage(), e);
        }
    }

    /** Runs statements one by one in the {@code postgres} database as superuser, in a session of its own. */
    public void execute(String... sql) {
        executeIn("postgres", sql);
    }

    /** Runs statements one by one in this database as superuser, in a session of its own, as an application would. */
    public void executeIn(String database, String... sql) {
        try (Connection c = DriverManager.getConnection(jdbcUrl(database) + "?user=postgres");
             Statement s = c.createStatement()) {
            for (String one : sql) {
                s.execute(one);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(String.join("; ", sql) + ": " + e.getMessage(), e);
        }
    }

    /** The first column of the first row, read in a fresh session on this database. */
    public double queryNumber(String database, String sql) {
        try (Connection c = DriverManager.getConnection(jdbcUrl(database) + "?user=postgres");
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            if (!rs.next()) {
                throw new IllegalStateException("no row from " + sql);
            }
            return rs.getDouble(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a number in fresh sessions until it meets the condition: PostgreSQL publishes statistics a little
     * after the fact (the stats collector before 15, at transaction end or idle from 15).
     */
    public double awaitNumber(String database, String sql, DoublePredicate condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        double value = queryNumber(database, sql);
        while (!condition.test(value)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("still " + value + " after 15 s: " + sql);
            }
            RunningExporter.sleep(50);
            value = queryNumber(database, sql);
        }
        return value;
    }

    @Override
    public void close() {
        stopServer();
    }

    private void closeSessions() {
        for (Connection c : sessions) {
            try {
                c.close();
            } catch (SQLException e) {
                // The server may already have ended the session; nothing is left to release.
            }
        }
        sessions.clear();
    }

    private static int major(String version) {
        return Integer.parseInt(version.substring(0, version.indexOf('.')));
    }

    /** Zonky's binaries of one version, read from the jar the build copied, not from the classpath. */
    private record JarBinary(Path jar) implements PgBinaryResolver {
        static JarBinary of(String version) {
            Path dir = Path.of(System.getProperty("vigil.postgres.binaries", "target/postgres-binaries"));
            Path jar;
            try (var files = Files.list(dir)) {
                jar = files.filter(f -> f.getFileName().toString().endsWith("-" + version + ".jar")).findFirst().orElse(null);
            } catch (IOException e) {
                jar = null;
            }
            ExternalTool.require(jar != null, "PostgreSQL " + version + " binaries in " + dir,
                    "run the tests through Maven (mvn verify), which copies them there");
            return new JarBinary(jar);
        }

        @Override
        public InputStream getPgBinary(String system, String machine) throws IOException {
            ZipFile zip = new ZipFile(jar.toFile());
            ZipEntry entry = zip.stream().filter(e -> e.getName().endsWith(".txz")).findFirst()
                    .orElseThrow(() -> new IOException("no .txz archive in " + jar));
            return new FilterInputStream(zip.getInputStream(entry)) {
                @Override
                public void close() throws IOException {
                    super.close();
                    zip.close();
                }
            };
        }
    }
}
