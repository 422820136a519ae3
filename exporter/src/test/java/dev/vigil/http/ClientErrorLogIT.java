package dev.vigil.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.support.RunningExporter;
import dev.vigil.support.VigilProcess;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A client that breaks the protocol or goes away mid-request is the client's problem: no SEVERE line, no stack trace. */
class ClientErrorLogIT {
    @Test
    void protocolErrorsAndAbortedPushesAreNotLoggedAsServerErrors() throws Exception {
        try (VigilProcess vigil = VigilProcess.start("llm: {}\n", "128m", 1024)) {
            List<String> attempts = List.of(
                    "GET /metrics HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n",
                    "NOT-HTTP\r\n\r\n",
                    "POST /api/v1/llm/usage HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n[{\"provider\":",
                    "POST /api/v1/llm/usage HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                    "GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n");
            for (String attempt : attempts) {
                try (Socket s = new Socket("127.0.0.1", vigil.port())) {
                    OutputStream out = s.getOutputStream();
                    out.write(attempt.getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    RunningExporter.sleep(200);
                }
            }
            RunningExporter.sleep(500);
            assertThat(vigil.scrape(5000).millis()).isPositive();
            assertThat(vigil.log()).doesNotContain("SEVERE").doesNotContain("Unhandled exception").doesNotContain("\tat ");
        }
    }
}
