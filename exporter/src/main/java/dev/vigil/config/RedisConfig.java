package dev.vigil.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * One named Redis connection. The password may sit in the URL, in {@code password}, or (better) in
 * {@code password_file}; it is kept as a {@link Secret} and never printed.
 */
public record RedisConfig(
        String name,
        String url,
        Optional<String> username,
        Optional<Secret> password,
        Duration connectTimeout,
        Duration commandTimeout) {

    public static final String DEFAULT_URL = "redis://127.0.0.1:6379";
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(5);
    private static final Set<String> SCHEMES = Set.of("redis", "rediss");

    public static RedisConfig defaults(String name) {
        return new RedisConfig(name, DEFAULT_URL, Optional.empty(), Optional.empty(),
                DEFAULT_CONNECT_TIMEOUT, DEFAULT_COMMAND_TIMEOUT);
    }

    /** The URL with any password in it replaced, for logs, summaries and the status page. */
    public String redactedUrl() {
        return Redaction.redactUrl(url);
    }

    /** Reads a key that names a configured connection; it may be left out when there is only one. */
    static String reference(YamlSection section, String key, Set<String> redisNames) throws ConfigException {
        String redis = section.string(key).orElse(redisNames.size() == 1 ? redisNames.iterator().next() : null);
        if (redis == null) {
            throw section.error(key, "is required when more than one Redis is configured (one of: " + String.join(", ", redisNames) + ")");
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
        Optional<String> username = section.string("username");
        Optional<Secret> password = section.secret("password");
        Duration connectTimeout = section.duration("connect_timeout", DEFAULT_CONNECT_TIMEOUT);
        Duration commandTimeout = section.duration("command_timeout", DEFAULT_COMMAND_TIMEOUT);
        section.finish();
        try {
            URI uri = new URI(url);
            if (uri.getScheme() == null || !SCHEMES.contains(uri.getScheme())) {
                throw section.error("url", "expected redis://host:port[/db] or rediss://..., got '" + Redaction.redactUrl(url) + "'");
            }
            if (uri.getHost() == null) {
                throw section.error("url", "has no host: '" + Redaction.redactUrl(url) + "'");
            }
        } catch (URISyntaxException e) {
            throw section.error("url", "is not a valid URL: " + Redaction.redactUrl(e.getInput()));
        }
        return new RedisConfig(name, url, username, password, connectTimeout, commandTimeout);
    }
}
