package dev.vigil.llm;

import dev.vigil.support.RunningExporter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Posts bodies to Vigil's push endpoint as an application would. */
final class PushClient {
    static final String PATH = "/api/v1/llm/usage";
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final RunningExporter vigil;

    PushClient(RunningExporter vigil) {
        this.vigil = vigil;
    }

    HttpResponse<String> json(String body) {
        return post(body.getBytes(StandardCharsets.UTF_8), "Content-Type", "application/json");
    }

    HttpResponse<String> post(byte[] body, String... headers) {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(vigil.baseUrl() + PATH))
                .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (headers.length > 0) {
            req.headers(headers);
        }
        try {
            return http.send(req.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
