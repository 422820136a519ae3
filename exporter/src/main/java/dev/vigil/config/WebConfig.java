package dev.vigil.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The web configuration file ({@code server.web_config_file}), in the format Prometheus exporters share
 * (node_exporter's {@code --web.config.file}): TLS, basic-auth users, extra response headers, rate limit.
 *
 * @param file     the file, as named in the main config
 * @param files    the files this configuration was read from (itself, then the certificate, key and CA files), watched for changes
 * @param users    user name to bcrypt hash
 * @param headers  extra headers on every response, from the allowed set
 * @param rateLimit at most one request per interval beyond a burst, all clients together; empty when off
 */
public record WebConfig(Path file, List<Path> files, Optional<TlsServerConfig> tls, Map<String, Secret> users,
                        Map<String, String> headers, boolean http2, Optional<RateLimit> rateLimit) {
    public WebConfig {
        files = List.copyOf(files);
        users = Map.copyOf(users);
        headers = Map.copyOf(new LinkedHashMap<>(headers));
    }

    /** A token bucket: {@code burst} requests at once, refilled at one per {@code interval}. */
    public record RateLimit(Duration interval, int burst) {
    }

    /** One line for the start-up summary; names no user and no secret. */
    public String summary() {
        StringBuilder out = new StringBuilder("web config: ").append(file);
        out.append(tls.map(t -> ", TLS " + t.minVersion() + "-" + t.maxVersion() + ", client certificates: " + t.clientAuth())
                .orElse(", no TLS"));
        out.append(users.isEmpty() ? ", no basic auth" : ", basic auth (" + users.size() + " users)");
        rateLimit.ifPresent(r -> out.append(", rate limit 1 per ").append(Durations.format(r.interval())).append(" burst ").append(r.burst()));
        return out.append('\n').toString();
    }
}
