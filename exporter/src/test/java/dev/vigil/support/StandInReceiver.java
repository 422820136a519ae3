package dev.vigil.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A local HTTP server standing in for a notification service that Alertmanager posts JSON to (PagerDuty's
 * Events API v2, a Slack incoming webhook): it keeps every request and answers as the real service does on
 * success.
 */
public final class StandInReceiver implements AutoCloseable {
    /** One request as received. */
    public record Received(String method, String path, String contentType, JsonObject body) {
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();

    private StandInReceiver(int status, String reply) {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> answer(exchange, status, reply));
        server.start();
    }

    /** PagerDuty's Events API v2 answers an accepted event with 202 and this body. */
    public static StandInReceiver pagerDuty() {
        return new StandInReceiver(202, "{\"status\":\"success\",\"message\":\"Event processed\"}");
    }

    /** A Slack incoming webhook answers 200 with the text {@code ok}. */
    public static StandInReceiver slack() {
        return new StandInReceiver(200, "ok");
    }

    private void answer(HttpExchange exchange, int status, String reply) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                exchange.getRequestHeaders().getFirst("Content-Type"), new JsonObject(body)));
        byte[] out = reply.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, out.length);
        exchange.getResponseBody().write(out);
        exchange.close();
    }

    /** The URL of a path on this server, e.g. {@code /v2/enqueue} or {@code /services/T0/B0/x}. */
    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    /** Waits until a request matching the condition has arrived and returns the first such one. */
    public Received await(Duration timeout, String what, Predicate<Received> condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (Received r : received) {
                if (condition.test(r)) {
                    return r;
                }
            }
            RunningExporter.sleep(200);
        }
        throw new AssertionError("within " + timeout + " no request with " + what + "; received: "
                + received.stream().map(r -> r.path() + " " + r.body().encode()).toList());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
