package dev.vigil.web;

import dev.vigil.config.ConfigException;
import dev.vigil.config.WebConfig;
import dev.vigil.config.WebConfigFile;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.logging.Logger;

/**
 * Applies the web configuration file to the HTTP server: TLS on the listening socket, {@link WebGuard} in
 * front of every route, and a re-read whenever the file or a certificate, key or CA file it names changes
 * (checked every {@link #CHECK_EVERY_MS} ms by content), so a rotated certificate is served on the next
 * connection and a new user works at once. A broken file keeps the last good one.
 */
public final class WebAccess implements AutoCloseable {
    static final long CHECK_EVERY_MS = 2_000;
    private static final Logger LOG = Logger.getLogger(WebAccess.class.getName());

    private final Vertx vertx;
    private final WebGuard guard;
    private volatile WebConfig current;
    private volatile byte[] seen;
    private boolean reloading;
    private String lastError;
    private HttpServer server;
    private long timer = -1;
    private volatile boolean lastReloadOk = true;
    private volatile double lastSuccessSeconds = System.currentTimeMillis() / 1000.0;

    /** @param pushHasToken the push endpoint has a bearer token of its own, which stands in for basic auth there */
    public WebAccess(Vertx vertx, WebConfig config, boolean pushHasToken) {
        this.vertx = vertx;
        this.current = config;
        this.guard = new WebGuard(vertx, config, pushHasToken);
        this.seen = fingerprint(config);
    }

    /** TLS for the listening socket, when the file has {@code tls_server_config}. */
    public HttpServerOptions configure(HttpServerOptions options) {
        current.tls().ifPresent(t -> TlsOptions.applyTo(options, TlsOptions.of(t, current.http2())));
        return options;
    }

    /** Puts the guard in front of every route the router has or will have. */
    public void protect(Router router) {
        router.route().order(-1).handler(guard);
    }

    /** Starts watching the files, once the server listens. */
    public void watch(HttpServer listening) {
        this.server = listening;
        timer = vertx.setPeriodic(CHECK_EVERY_MS, id -> vertx.executeBlocking(this::changed, false)
                .onSuccess(changed -> {
                    if (changed && !reloading) {
                        reloading = true;
                        reload().onComplete(done -> reloading = false);
                    }
                }));
    }

    public void bindTo(MeterRegistry meters) {
        Gauge.builder("vigil.web.config.last.reload.successful", this, w -> w.lastReloadOk ? 1 : 0)
                .description("1 when the last read of server.web_config_file (and the files it names) succeeded, 0 when it failed and the previous one is still in force")
                .register(meters);
        Gauge.builder("vigil.web.config.last.reload.success.timestamp.seconds", this, w -> w.lastSuccessSeconds)
                .description("When server.web_config_file was last read successfully, in seconds since the epoch")
                .register(meters);
    }

    /** True when a watched file's content differs from what was applied, or the last attempt failed (then retried). */
    private boolean changed() {
        byte[] now = fingerprint(current);
        return !Arrays.equals(now, seen) || !lastReloadOk;
    }

    private Future<WebConfig> reload() {
        return vertx.executeBlocking(() -> WebConfigFile.load(current.file()), false)
                .compose(next -> {
                    if (next.tls().isPresent() != current.tls().isPresent()) {
                        return Future.failedFuture("turning TLS on or off needs a restart; the running server keeps "
                                + (current.tls().isPresent() ? "TLS" : "plain HTTP"));
                    }
                    Future<Boolean> tlsApplied = next.tls().isPresent()
                            ? server.updateSSLOptions(TlsOptions.of(next.tls().get(), next.http2()))
                            : Future.succeededFuture(false);
                    return tlsApplied.map(x -> next);
                })
                .onSuccess(next -> {
                    current = next;
                    guard.update(next);
                    seen = fingerprint(next);
                    lastReloadOk = true;
                    lastSuccessSeconds = System.currentTimeMillis() / 1000.0;
                    lastError = null;
                    LOG.info("web config " + next.file() + " reloaded: " + next.summary().strip());
                })
                .onFailure(e -> {
                    lastReloadOk = false;
                    String message = e instanceof ConfigException c ? c.describe() : String.valueOf(e.getMessage());
                    if (!message.equals(lastError)) {
                        LOG.warning("web config not reloaded, the previous one stays in force: " + message);
                        lastError = message;
                    }
                });
    }

    /** SHA-256 over the watched files' contents; a file that cannot be read counts as changed. */
    private static byte[] fingerprint(WebConfig config) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Path file : config.files()) {
                try {
                    sha.update(Files.readAllBytes(file));
                } catch (IOException e) {
                    sha.update(("unreadable " + file + " " + System.nanoTime()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                }
            }
            return sha.digest();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    @Override
    public void close() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        guard.close();
    }
}
