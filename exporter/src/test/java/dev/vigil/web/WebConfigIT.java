package dev.vigil.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import at.favre.lib.crypto.bcrypt.BCrypt;
import dev.vigil.support.PrometheusServer;
import dev.vigil.support.RunningExporter;
import dev.vigil.support.Scrape;
import dev.vigil.support.TestCertificates;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The web configuration file on a running Vigil: TLS, client certificates, basic auth, reloads; a real Prometheus scrapes it. */
class WebConfigIT {
    private static final String PASSWORD = "s3cret-scrape";

    @TempDir
    static Path certs;

    @BeforeAll
    static void certificates() throws Exception {
        TestCertificates.in(certs).authority("ca").authority("other-ca")
                .issue("server", "ca").issue("server2", "ca").issue("client", "ca").issue("stranger", "other-ca")
                .pkcs12("client").pkcs12("stranger");
    }

    private static String hash(String password) {
        return BCrypt.with(BCrypt.Version.VERSION_2Y).hashToString(10, password.toCharArray());
    }

    /** A web.yml in the certificates' folder with relative file names, as an operator would write it. */
    private static Path webConfig(String name, String clientAuth, String users) throws IOException {
        Path file = certs.resolve(name);
        Files.writeString(file, """
                tls_server_config:
                  cert_file: server.crt
                  key_file: server.key
                  client_ca_file: ca.crt
                  client_auth_type: %s
                  min_version: TLS12
                http_server_config:
                  headers:
                    Strict-Transport-Security: max-age=31536000
                basic_auth_users:
                %s""".formatted(clientAuth, users));
        return file;
    }

    private static RunningExporter start(Path web) throws IOException {
        return start(web, "");
    }

    private static RunningExporter start(Path web, String moreServerKeys) throws IOException {
        Path token = Files.writeString(certs.resolve("push-token"), "push-token-1");
        return RunningExporter.start("server:\n  listen: 127.0.0.1:0\n  web_config_file: " + web + "\n" + moreServerKeys
                + "llm:\n  push:\n    token_file: " + token + "\n");
    }

    private static int port(RunningExporter vigil) {
        return URI.create(vigil.baseUrl()).getPort();
    }

    private static SSLContext tls(String clientP12) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(certs.resolve("ca.crt"))) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (clientP12 != null) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(certs.resolve(clientP12))) {
                keys.load(in, "test".toCharArray());
            }
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, "test".toCharArray());
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }

    private static HttpResponse<String> get(SSLContext tls, String url, String user, String password) throws Exception {
        HttpClient.Builder client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10));
        if (tls != null) {
            client.sslContext(tls);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
        if (user != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        return client.build().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(SSLContext tls, String url, String body, String authorization) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(tls).build();
        return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").header("Authorization", authorization)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The serial number of the certificate the server presents on a new connection. */
    private static BigInteger servedSerial(int port) throws Exception {
        try (SSLSocket socket = (SSLSocket) tls("client.p12").getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.startHandshake();
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
        }
    }

    private static BigInteger serialOf(String pem) throws Exception {
        try (InputStream in = Files.newInputStream(certs.resolve(pem))) {
            return ((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in)).getSerialNumber();
        }
    }

    @Test
    void prometheusScrapesOverTlsWithBasicAuthAndAClientCertificate() throws Exception {
        Path web = webConfig("prometheus-web.yml", "RequireAndVerifyClientCert", "  prometheus: " + hash(PASSWORD) + "\n");
        try (RunningExporter vigil = start(web);
             PrometheusServer prometheus = PrometheusServer.start(PrometheusServer.Setup.scraping("127.0.0.1:" + port(vigil))
                     .withScrapeOptions("""
                                 scheme: https
                                 tls_config:
                                   ca_file: %s
                                   cert_file: %s
                                   key_file: %s
                                 basic_auth:
                                   username: prometheus
                                   password: %s
                             """.formatted(certs.resolve("ca.crt"), certs.resolve("client.crt"), certs.resolve("client.key"), PASSWORD)))) {
            prometheus.awaitQuery("up{job=\"vigil\"}", Duration.ofSeconds(30),
                    r -> r.size() == 1 && r.getJsonObject(0).getJsonArray("value").getString(1).equals("1"));
            assertThat(prometheus.value("vigil_build_info{job=\"vigil\"}")).isEqualTo(1.0);
        }
    }

    @Test
    void aConnectionThatNeverStartsItsHandshakeIsClosedAtTheRequestHeadDeadline() throws Exception {
        Path web = webConfig("silent-web.yml", "RequireAndVerifyClientCert", "  prometheus: " + hash(PASSWORD) + "\n");
        try (RunningExporter vigil = start(web, "  request_head_timeout: 1s\n");
             Socket silent = new Socket("127.0.0.1", port(vigil))) {
            // Vert.x's own TLS handshake deadline is 10 s; the head deadline covers the handshake too, so a
            // TLS port is no easier to tie up with silent connections than a plain one.
            silent.setSoTimeout(5000);
            assertThat(silent.getInputStream().read()).as("closed by the server, before the read's own 5 s timeout").isEqualTo(-1);
        }
    }

    @Test
    void refusesWrongOrMissingPasswordsStrangersAndPlainHttpButKeepsProbesOpen() throws Exception {
        Path web = webConfig("refusals-web.yml", "RequireAndVerifyClientCert", "  prometheus: " + hash(PASSWORD) + "\n");
        try (RunningExporter vigil = start(web)) {
            String https = "https://127.0.0.1:" + port(vigil);
            SSLContext client = tls("client.p12");

            HttpResponse<String> ok = get(client, https + "/metrics", "prometheus", PASSWORD);
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.body()).contains("vigil_build_info{");
            assertThat(ok.headers().firstValue("Strict-Transport-Security")).contains("max-age=31536000");

            HttpResponse<String> wrong = get(client, https + "/metrics", "prometheus", "guess");
            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(wrong.headers().firstValue("WWW-Authenticate")).contains("Basic");
            assertThat(get(client, https + "/metrics", "nobody", PASSWORD).statusCode()).isEqualTo(401);
            HttpResponse<String> none = get(client, https + "/metrics", null, null);
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(none.headers().firstValue("WWW-Authenticate")).contains("Basic");
            assertThat(get(client, https + "/", null, null).statusCode()).isEqualTo(401);

            String usage = "{\"provider\":\"openai\",\"model\":\"gpt-4o\",\"input_tokens\":5,\"output_tokens\":5}";
            assertThat(post(client, https + "/api/v1/llm/usage", usage, "Bearer push-token-1").statusCode()).isEqualTo(202);
            assertThat(post(client, https + "/api/v1/llm/usage", usage, "Bearer wrong").statusCode()).isEqualTo(401);
            assertThat(get(client, https + "/healthz", null, null).statusCode()).isEqualTo(200);
            assertThat(get(client, https + "/readyz", null, null).statusCode()).isEqualTo(200);

            // A certificate from another CA, or none, fails the handshake; the server closes a plain-HTTP
            // connection without answering.
            assertThatThrownBy(() -> get(tls("stranger.p12"), https + "/metrics", "prometheus", PASSWORD))
                    .isInstanceOf(SSLHandshakeException.class).hasMessage("Received fatal alert: bad_certificate");
            assertThatThrownBy(() -> get(tls(null), https + "/healthz", null, null))
                    .isInstanceOf(SSLHandshakeException.class).hasMessage("Received fatal alert: bad_certificate");
            assertThatThrownBy(() -> get(null, "http://127.0.0.1:" + port(vigil) + "/metrics", "prometheus", PASSWORD))
                    .isInstanceOf(IOException.class).hasMessage("HTTP/1.1 header parser received no bytes");
        }
    }

    @Test
    void aNewUserAndARotatedCertificateApplyWithoutRestartAndABrokenFileKeepsTheLastGoodOne() throws Exception {
        Path web = webConfig("reload-web.yml", "RequireAndVerifyClientCert", "  prometheus: " + hash(PASSWORD) + "\n");
        Path served = certs.resolve("served.crt");
        Path servedKey = certs.resolve("served.key");
        Files.copy(certs.resolve("server.crt"), served, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(certs.resolve("server.key"), servedKey, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(web, Files.readString(web).replace("cert_file: server.crt", "cert_file: served.crt").replace("key_file: server.key", "key_file: served.key"));
        try (RunningExporter vigil = start(web)) {
            int port = port(vigil);
            String https = "https://127.0.0.1:" + port;
            SSLContext client = tls("client.p12");
            assertThat(servedSerial(port)).isEqualTo(serialOf("server.crt"));

            Files.writeString(web, Files.readString(web) + "  grafana: " + hash("other-pass") + "\n");
            awaitStatus(client, https + "/metrics", "grafana", "other-pass", 200);

            Files.copy(certs.resolve("server2.key"), servedKey, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.copy(certs.resolve("server2.crt"), served, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (!servedSerial(port).equals(serialOf("server2.crt")) && System.nanoTime() < deadline) {
                RunningExporter.sleep(200);
            }
            assertThat(servedSerial(port)).isEqualTo(serialOf("server2.crt"));

            String good = Files.readString(web);
            Files.writeString(web, good.replace("basic_auth_users:", "basic_auth_userz:"));
            Scrape broken = awaitMetric(client, https, 0.0);
            assertThat(broken.require("vigil_web_config_last_reload_successful")).isEqualTo(0.0);
            assertThat(get(client, https + "/metrics", "grafana", "other-pass").statusCode()).isEqualTo(200);

            Files.writeString(web, good);
            assertThat(awaitMetric(client, https, 1.0).require("vigil_web_config_last_reload_success_timestamp_seconds"))
                    .isGreaterThan(System.currentTimeMillis() / 1000.0 - 60);
        }
    }

    private static void awaitStatus(SSLContext client, String url, String user, String password, int status) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        int last = get(client, url, user, password).statusCode();
        while (last != status && System.nanoTime() < deadline) {
            RunningExporter.sleep(200);
            last = get(client, url, user, password).statusCode();
        }
        assertThat(last).isEqualTo(status);
    }

    private static Scrape awaitMetric(SSLContext client, String https, double value) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (true) {
            Scrape s = new Scrape(get(client, https + "/metrics", "prometheus", PASSWORD).body());
            if (s.require("vigil_web_config_last_reload_successful") == value || System.nanoTime() > deadline) {
                return s;
            }
            RunningExporter.sleep(200);
        }
    }
}
