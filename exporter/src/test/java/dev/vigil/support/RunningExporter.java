package dev.vigil.support;

import dev.vigil.ExporterVerticle;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.VigilConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;
import io.vertx.core.Vertx;

/**
 * Vigil started in-process from a YAML text, exactly as {@code --config} would load it, listening on a
 * free port; plus an HTTP client to talk to it as Prometheus would.
 */
public final class RunningExporter implements AutoCloseable {
    private final Vertx vertx;
    private final ExporterVerticle verticle;
    // HTTP/1.1 as Prometheus scrapes; the JDK client would otherwise try an h2c upgrade.
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private RunningExporter(Vertx vertx, ExporterVerticle verticle) {
        this.vertx = vertx;
        this.verticle = verticle;
    }

    /** Starts Vigil with this YAML; {@code server.listen} is added on a free loopback port when absent. */
    public static RunningExporter start(String yaml) {
        return start(yaml, java.util.Map.of());
    }

    /** Starts Vigil with this YAML and this process environment (for the OTEL_* variables). */
    public static RunningExporter start(String yaml, java.util.Map<String, String> env) {
        try {
            String withServer = yaml.contains("server:") ? yaml : "server:\n  listen: 127.0.0.1:0\n" + yaml;
            Path file = Files.createTempFile("vigil-test", ".yml");
            Files.writeString(file, withServer);
            VigilConfig config = new ConfigLoader(name -> null).load(file);
            Vertx vertx = Vertx.vertx();
            ExporterVerticle verticle = new ExporterVerticle(config, "test", env);
            vertx.deployVerticle(verticle).await();
            return new RunningExporter(vertx, verticle);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("could not start Vigil: " + e.getMessage(), e);
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + verticle.port();
    }

    /** The YAML of one Redis named main and one BullMQ source on it polled every 200 ms, plus extra source keys. */
    public static String bullmqConfig(String redisUrl, String extraSourceLines) {
        return """
                redis:
                  main:
                    url: %s
                bullmq:
                  - redis: main
                    interval: 200ms
                %s""".formatted(redisUrl, extraSourceLines);
    }

    public HttpResponse<String> get(String path, String... headers) {
        return send(request(path, headers).GET(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<byte[]> getBytes(String path, String... headers) {
        return send(request(path, headers).GET(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** POSTs the body as an application would (the LLM usage push). */
    public HttpResponse<String> post(String path, byte[] body, String... headers) {
        return send(request(path, headers).POST(HttpRequest.BodyPublishers.ofByteArray(body)), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path, String... headers) {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(20));
        if (headers.length > 0) {
            req.headers(headers);
        }
        return req;
    }

    private <T> HttpResponse<T> send(HttpRequest.Builder request, HttpResponse.BodyHandler<T> body) {
        try {
            return http.send(request.build(), body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Scrape scrape() {
        HttpResponse<String> r = get("/metrics");
        if (r.statusCode() != 200) {
            throw new AssertionError("/metrics answered " + r.statusCode() + ": " + r.body());
        }
        return new Scrape(r.body());
    }

    /** Scrapes until the condition holds, as a Prometheus would over a few intervals; fails after the timeout. */
    public Scrape awaitScrape(Duration timeout, Predicate<Scrape> condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Scrape last = scrape();
        while (!condition.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + timeout + "; last scrape:\n" + last.body());
            }
            sleep(100);
            last = scrape();
        }
        return last;
    }

    /** Waits for a poll that started after now to finish: the next scrape reflects what Redis holds now. */
    public Scrape scrapeAfterNextPoll(String source) {
        double before = scrape().value("vigil_source_poll_duration_seconds_count", "source", source).orElse(0.0);
        // Two more polls: the first may have started before the caller's last write.
        return awaitScrape(Duration.ofSeconds(15),
                s -> s.value("vigil_source_poll_duration_seconds_count", "source", source).orElse(0.0) >= before + 2);
    }

    public static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        vertx.close().await();
    }
}
