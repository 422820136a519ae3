package dev.vigil.llm.push;

import dev.vigil.support.RunningExporter;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/** Posts bodies to Vigil's push endpoint as an application would. */
final class PushClient {
    static final String PATH = "/api/v1/llm/usage";
    private final RunningExporter vigil;

    PushClient(RunningExporter vigil) {
        this.vigil = vigil;
    }

    HttpResponse<String> json(String body) {
        return post(body.getBytes(StandardCharsets.UTF_8), "Content-Type", "application/json");
    }

    HttpResponse<String> post(byte[] body, String... headers) {
        return vigil.post(PATH, body, headers);
    }
}
