package dev.vigil.trace;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.vigil.support.RunningExporter;
import dev.vigil.support.VigilProcess;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * An OTLP endpoint that refuses every batch, echoing the header Vigil sent, as some gateways do: one log
 * line when exporting fails and one when it works again, never the header's value.
 */
class ExportFailureLogIT {
    private static final String KEY = "otlp-header-secret-4242";

    @Test
    void aRefusingEndpointIsLoggedOnceEachWayWithoutItsSecret() throws Exception {
        AtomicBoolean refusing = new AtomicBoolean(true);
        HttpServer endpoint = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        endpoint.createContext("/v1/traces", x -> {
            x.getRequestBody().readAllBytes();
            byte[] body = refusing.get() ? ("bad key " + x.getRequestHeaders().getFirst("x-api-key")).getBytes(StandardCharsets.UTF_8) : new byte[0];
            x.sendResponseHeaders(refusing.get() ? 401 : 200, body.length == 0 ? -1 : body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        endpoint.start();
        String yaml = """
                tracing:
                  endpoint: http://127.0.0.1:%d
                  sample_ratio: 1
                  headers:
                    x-api-key: %s
                """.formatted(endpoint.getAddress().getPort(), KEY);
        try (VigilProcess vigil = VigilProcess.start(yaml, "128m", 1024)) {
            for (int i = 0; i < 20; i++) { // each scrape is a server span: a batch a second, all refused
                vigil.scrape(5000);
                RunningExporter.sleep(250);
            }
            refusing.set(false);
            for (int i = 0; i < 12; i++) {
                vigil.scrape(5000);
                RunningExporter.sleep(250);
            }
            String log = vigil.log();
            assertThat(log.lines().filter(l -> l.contains("exporting spans failed"))).hasSize(1);
            assertThat(log.lines().filter(l -> l.contains("exporting spans works again"))).hasSize(1);
            assertThat(log).doesNotContain("SEVERE").doesNotContain(KEY);
        } finally {
            endpoint.stop(0);
        }
    }
}
