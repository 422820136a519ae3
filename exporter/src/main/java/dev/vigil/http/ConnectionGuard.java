package dev.vigil.http;

import dev.vigil.config.HttpLimits;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Puts {@link HttpLimits} on every connection, so that no client, however slow or numerous, holds a file
 * descriptor or heap for long, and a scrape is answered while pushers flood.
 *
 * <p>Vert.x closes a connection only when it is silent; a client that trickles a byte a second is never
 * silent. So each connection carries its own deadline: the request head must be complete within
 * {@code request_head_timeout} of connecting (or {@code idle_timeout} of the previous response), and a body
 * within {@code request_body_timeout} of its head. A connection over {@code max_connections} cannot be told
 * from a scrape before its head arrives, so it is still accepted, but waits at most {@link #OVER_CAP_HEAD_TIMEOUT}
 * for it and gets only the read-only endpoints; everything else there gets a quick 503. Each connection
 * lives on one event loop, and so does its state here; only the two totals are shared between loops.
 */
public final class ConnectionGuard implements Handler<RoutingContext> {
    /** Short enough that a flood of silent connections cycles well within a default fd limit of 1,024. */
    static final Duration OVER_CAP_HEAD_TIMEOUT = Duration.ofSeconds(1);
    /** Seconds a refused client should wait: the caps free up as soon as a stalled client's deadline passes. */
    static final String RETRY_AFTER_SECONDS = "1";
    /** What Prometheus and kubelet ask for: cheap, read-only, and never to be starved by pushers. */
    private static final Set<String> SCRAPE_PATHS = Set.of("/metrics", "/healthz", "/readyz");

    /** Why a connection or request was refused or cut, named after the config key that bounds it. */
    enum Refusal {
        MAX_CONNECTIONS("max_connections"),
        MAX_PUSH_BYTES("max_push_bytes_in_flight"),
        HEAD_TIMEOUT("request_head_timeout"),
        BODY_TIMEOUT("request_body_timeout");

        final String label;

        Refusal(String label) {
            this.label = label;
        }
    }

    private final Vertx vertx;
    private final HttpLimits limits;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong bodyBytes = new AtomicLong();
    private final Map<HttpConnection, Tracked> connections = new ConcurrentHashMap<>();
    private final Map<Refusal, Counter> refused = new EnumMap<>(Refusal.class);

    public ConnectionGuard(Vertx vertx, HttpLimits limits, MeterRegistry registry) {
        this.vertx = vertx;
        this.limits = limits;
        for (Refusal r : Refusal.values()) {
            refused.put(r, Counter.builder("vigil.http.refused")
                    .description("Connections and requests the HTTP server refused (503) or cut, by the server key that bounds them")
                    .tag("reason", r.label).register(registry));
        }
        Gauge.builder("vigil.http.connections", open, AtomicInteger::get)
                .description("Open connections to the HTTP server").register(registry);
    }

    /**
     * The server options with the silence timeout, which also covers a client that stops reading a response.
     * Cleartext HTTP/2 is off: to detect it, Vert.x waits for a connection's first bytes before it calls the
     * connection handler, so a connection that never sends any would never get its head deadline.
     */
    public HttpServerOptions apply(HttpServerOptions options) {
        // The TLS handshake comes before the request head and counts against its deadline (Vert.x's own is 10 s).
        return options.setIdleTimeout((int) limits.idleTimeout().toMillis()).setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
                .setSslHandshakeTimeout(limits.headTimeout().toMillis()).setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS)
                .setHttp2ClearTextEnabled(false);
    }

    /** The server's connection handler: counts the connection and starts its head deadline. */
    public void connected(HttpConnection connection) {
        boolean overCap = open.incrementAndGet() > limits.maxConnections();
        Tracked tracked = new Tracked(connection, overCap);
        connections.put(connection, tracked);
        connection.closeHandler(v -> {
            open.decrementAndGet();
            connections.remove(connection);
            tracked.closed();
        });
        tracked.awaitHead(overCap ? OVER_CAP_HEAD_TIMEOUT : limits.headTimeout(), true);
    }

    /** The router's first handler: the head has arrived; admit the request, or refuse it with a 503. */
    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        Tracked tracked = connections.get(request.connection());
        if (tracked == null) {
            ctx.next();
            return;
        }
        tracked.started();
        ctx.addEndHandler(ar -> tracked.ended());
        if (tracked.overCap && !SCRAPE_PATHS.contains(request.path())) {
            refuse(ctx, Refusal.MAX_CONNECTIONS, "more than " + limits.maxConnections() + " connections are open (server.max_connections)");
            return;
        }
        long declared = declaredBodyBytes(request);
        if (declared > 0) {
            if (bodyBytes.addAndGet(declared) > limits.maxPushBytes()) {
                bodyBytes.addAndGet(-declared);
                refuse(ctx, Refusal.MAX_PUSH_BYTES, "more than " + limits.maxPushBytes()
                        + " bytes of request bodies are being read (server.max_push_bytes_in_flight)");
                return;
            }
            long timer = tracked.reading(request, declared);
            ctx.addEndHandler(ar -> {
                vertx.cancelTimer(timer);
                tracked.release(declared);
            });
        }
        ctx.next();
    }

    /**
     * What a body may cost while it is read: its declared length, up to the largest body Vigil reads; a body
     * of unknown length (chunked, or HTTP/2 without a length) counts as the largest.
     */
    static long declaredBodyBytes(HttpServerRequest request) {
        String length = request.getHeader("Content-Length");
        if (length != null) {
            try {
                return Math.min(Math.max(0, Long.parseLong(length.trim())), HttpLimits.MAX_BODY_BYTES);
            } catch (NumberFormatException e) {
                return HttpLimits.MAX_BODY_BYTES;
            }
        }
        String encoding = request.getHeader("Transfer-Encoding");
        boolean mayHaveBody = request.method() == HttpMethod.POST || request.method() == HttpMethod.PUT || request.method() == HttpMethod.PATCH;
        return (encoding != null && encoding.toLowerCase().contains("chunked")) || mayHaveBody ? HttpLimits.MAX_BODY_BYTES : 0;
    }

    /** Answers 503 and closes the connection, so a client that keeps sending its body costs no more reading. */
    private void refuse(RoutingContext ctx, Refusal reason, String why) {
        refused.get(reason).increment();
        HttpConnection connection = ctx.request().connection();
        ctx.response().setStatusCode(503)
                .putHeader("Retry-After", RETRY_AFTER_SECONDS)
                .putHeader("Connection", "close")
                .putHeader("Content-Type", "text/plain; charset=utf-8")
                .end("busy: " + why + "; retry in " + RETRY_AFTER_SECONDS + " s\n")
                .onComplete(ar -> connection.close());
    }

    /** One connection's deadlines and the body bytes it holds; touched only on its event loop. */
    private final class Tracked {
        private final HttpConnection connection;
        private final boolean overCap;
        private int inFlight;
        private long headTimer = -1;
        private long heldBytes;
        private boolean closed;

        Tracked(HttpConnection connection, boolean overCap) {
            this.connection = connection;
            this.overCap = overCap;
        }

        void awaitHead(Duration timeout, boolean counted) {
            headTimer = vertx.setTimer(timeout.toMillis(), id -> {
                headTimer = -1;
                if (closed) {
                    return;
                }
                if (counted) {
                    refused.get(Refusal.HEAD_TIMEOUT).increment();
                }
                connection.close();
            });
        }

        void started() {
            inFlight++;
            cancelHead();
        }

        /** Between requests a kept-alive connection waits for the next head no longer than it may stay silent. */
        void ended() {
            if (--inFlight == 0 && headTimer < 0 && !closed) {
                awaitHead(overCap ? OVER_CAP_HEAD_TIMEOUT : limits.idleTimeout(), overCap);
            }
        }

        /** Holds the body's bytes and returns its deadline's timer. */
        long reading(HttpServerRequest request, long bytes) {
            heldBytes += bytes;
            return vertx.setTimer(limits.bodyTimeout().toMillis(), id -> {
                if (!closed && !request.isEnded()) {
                    refused.get(Refusal.BODY_TIMEOUT).increment();
                    connection.close();
                }
            });
        }

        /** Gives back a body's bytes at most once, whether its response ended or the connection closed first. */
        void release(long bytes) {
            long released = Math.min(bytes, heldBytes);
            heldBytes -= released;
            bodyBytes.addAndGet(-released);
        }

        void closed() {
            closed = true;
            cancelHead();
            release(heldBytes);
        }

        private void cancelHead() {
            if (headTimer >= 0) {
                vertx.cancelTimer(headTimer);
                headTimer = -1;
            }
        }
    }
}
