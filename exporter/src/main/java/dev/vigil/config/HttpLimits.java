package dev.vigil.config;

import java.time.Duration;

/**
 * How long one HTTP connection may take and how much of the server a set of clients may hold. Every bound
 * here exists because a client that stalls or floods must cost it a few seconds and a few bytes, never a
 * file descriptor or a heap for good.
 *
 * @param headTimeout from a new connection to its first complete request head
 * @param bodyTimeout from a request head to the last byte of its body
 * @param idleTimeout from a response to the next request head on a kept-alive connection, and any silence
 * @param maxConnections open connections served in full; beyond, a connection gets one scrape or a 503
 * @param maxPushBytes bytes of request bodies being read at once, counted by their declared length
 */
public record HttpLimits(Duration headTimeout, Duration bodyTimeout, Duration idleTimeout, int maxConnections, int maxPushBytes) {
    /** Heads fit one packet and bodies are at most 1 MiB: a healthy client needs well under a second for either. */
    public static final HttpLimits DEFAULTS = new HttpLimits(Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofSeconds(30),
            256, 16 * 1024 * 1024);
    /** The largest request body Vigil reads (a push); a body of unknown length is counted as this much. */
    public static final int MAX_BODY_BYTES = 1024 * 1024;
    private static final Duration LONGEST = Duration.ofHours(1);

    static HttpLimits read(YamlSection section) throws ConfigException {
        return new HttpLimits(
                timeout(section, "request_head_timeout", DEFAULTS.headTimeout()),
                timeout(section, "request_body_timeout", DEFAULTS.bodyTimeout()),
                timeout(section, "idle_timeout", DEFAULTS.idleTimeout()),
                section.integer("max_connections", DEFAULTS.maxConnections(), 1, 1_000_000),
                section.integer("max_push_bytes_in_flight", DEFAULTS.maxPushBytes(), MAX_BODY_BYTES, Integer.MAX_VALUE));
    }

    private static Duration timeout(YamlSection section, String key, Duration defaultValue) throws ConfigException {
        Duration d = section.duration(key, defaultValue);
        if (d.compareTo(LONGEST) > 0 || d.toMillis() < 100) {
            throw section.error(key, "must be between 100ms and 1h, got " + Durations.format(d));
        }
        return d;
    }
}
