package dev.vigil.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One named Redis connection: standalone ({@code redis://}, {@code rediss://} for TLS), Sentinel
 * ({@code redis-sentinel://}) or Cluster ({@code cluster: true} with seed {@code nodes}). The password may
 * sit in the URL, in {@code password}, or (better) in {@code password_file}; it is kept as a
 * {@link Secret} and never printed.
 */
public record RedisConfig(
        String name,
        String url,
        boolean cluster,
        List<String> nodes,
        Optional<String> username,
        Optional<Secret> password,
        Optional<Integer> database,
        Optional<Tls> tls,
        Duration connectTimeout,
        Duration commandTimeout) {

    public static final String DEFAULT_URL = "redis://127.0.0.1:6379";
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(5);
    private static final Set<String> SCHEMES = Set.of("redis", "rediss", "redis-sentinel", "rediss-sentinel");

    public RedisConfig {
        nodes = List.copyOf(nodes);
    }

    /** TLS from a {@code tls} section or a {@code rediss://} (or {@code rediss-sentinel://}) address. */
    public boolean usesTls() {
        return tls.isPresent() || url.startsWith("rediss") || nodes.stream().anyMatch(n -> n.startsWith("rediss"));
    }

    /**
     * TLS material, as PEM files. {@code insecureSkipVerify} accepts any server certificate: for test
     * setups only.
     */
    public record Tls(Optional<Path> caFile, Optional<Path> certFile, Optional<Path> keyFile, boolean insecureSkipVerify) {
    }

    public static RedisConfig defaults(String name) {
        return new RedisConfig(name, DEFAULT_URL, false, List.of(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), DEFAULT_CONNECT_TIMEOUT, DEFAULT_COMMAND_TIMEOUT);
    }

    /** The URL (or seed list) with any password in it replaced, for logs, summaries and the status page. */
    public String redactedUrl() {
        return cluster ? "cluster " + Redaction.redactUrl(String.join(",", nodes)) : Redaction.redactUrl(url);
    }

    /** Reads a key that names a configured connection; it may be left out when there is only one. */
    static String reference(YamlSection section, String key, Set<String> redisNames) throws ConfigException {
        String redis = section.string(key).orElse(redisNames.size() == 1 ? redisNames.iterator().next() : null);
        if (redis == null) {
            throw section.error(key, redisNames.isEmpty()
                    ? "needs a Redis connection, and none is configured; add one under redis: (e.g. redis: { main: { url: redis://127.0.0.1:6379 } })"
                    : "is required when more than one Redis is configured (one of: " + String.join(", ", redisNames) + ")");
        }
        requireKnown(section, key, redis, redisNames);
        return redis;
    }

    /** Rejects a name that is not one of the configured connections. */
    static void requireKnown(YamlSection section, String key, String redis, Set<String> redisNames) throws ConfigException {
        if (!redisNames.contains(redis)) {
            throw section.error(key, "names no configured Redis connection '" + redis + "'"
                    + (redisNames.isEmpty() ? "; add it under redis:" : "; known: " + String.join(", ", redisNames)));
        }
    }

    static RedisConfig read(String name, YamlSection section) throws ConfigException {
        String url = section.string("url", DEFAULT_URL).trim();
        boolean cluster = section.bool("cluster", false);
        List<String> nodes = section.stringList("nodes");
        Optional<String> username = section.string("username");
        Optional<Secret> password = section.secret("password");
        Optional<Integer> database = section.has("database")
                ? Optional.of(section.integer("database", 0, 0, 1_000_000)) : Optional.empty();
        Optional<Tls> tls = section.section("tls").isPresent() ? Optional.of(readTls(section.section("tls").get())) : Optional.empty();
        Duration connectTimeout = section.duration("connect_timeout", DEFAULT_CONNECT_TIMEOUT);
        Duration commandTimeout = section.duration("command_timeout", DEFAULT_COMMAND_TIMEOUT);
        section.finish();
        if (cluster) {
            if (nodes.isEmpty()) {
                nodes = List.of(url);
            }
            for (String node : nodes) {
                checkUrl(section, section.has("nodes") ? "nodes" : "url", node, Set.of("redis", "rediss"));
            }
            if (database.isPresent() && database.get() != 0) {
                throw section.error("database", "Redis Cluster has only database 0");
            }
        } else {
            if (!nodes.isEmpty()) {
                throw section.error("nodes", "seed nodes are for a cluster: add cluster: true, or use url:");
            }
            checkUrl(section, "url", url, SCHEMES);
        }
        return new RedisConfig(name, url, cluster, nodes, username, password, database, tls, connectTimeout, commandTimeout);
    }

    private static Tls readTls(YamlSection tls) throws ConfigException {
        Optional<Path> ca = existingFile(tls, "ca_file");
        Optional<Path> cert = existingFile(tls, "cert_file");
        Optional<Path> key = existingFile(tls, "key_file");
        boolean insecure = tls.bool("insecure_skip_verify", false);
        tls.finish();
        if (cert.isPresent() != key.isPresent()) {
            throw tls.error(cert.isPresent() ? "key_file" : "cert_file", "a client certificate needs both cert_file and key_file");
        }
        return new Tls(ca, cert, key, insecure);
    }

    private static Optional<Path> existingFile(YamlSection section, String key) throws ConfigException {
        // Paths are read as they are: the _file suffix would mean "read this key's value from a file".
        Optional<String> value = section.string(key);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        Path p = Path.of(value.get());
        if (!Files.isReadable(p)) {
            throw section.error(key, "cannot read " + p);
        }
        return Optional.of(p);
    }

    private static void checkUrl(YamlSection section, String key, String url, Set<String> schemes) throws ConfigException {
        try {
            URI uri = new URI(url);
            if (uri.getScheme() == null || !schemes.contains(uri.getScheme())) {
                throw section.error(key, "expected " + String.join(" or ", schemes.stream().sorted().map(s -> s + "://").toList())
                        + " URL, got '" + Redaction.redactUrl(url) + "'");
            }
            if (uri.getHost() == null && uri.getAuthority() == null) {
                throw section.error(key, "has no host: '" + Redaction.redactUrl(url) + "'");
            }
        } catch (URISyntaxException e) {
            throw section.error(key, "is not a valid URL: " + Redaction.redactUrl(e.getInput()));
        }
    }
}
