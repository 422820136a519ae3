package dev.vigil.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.support.RunningExporter;
import dev.vigil.support.Scrape;
import dev.vigil.support.SystemRedis;
import dev.vigil.support.TestCertificates;
import dev.vigil.support.TestRedis;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Redis as people run it: TLS (with and without client certificates), ACL users, Sentinel. */
class RedisConnectionsIT {
    private static final String SOURCE = "bullmq/main/bull";

    @TempDir
    static Path certs;

    @BeforeAll
    static void certificates() throws Exception {
        TestCertificates certificates = TestCertificates.in(certs);
        SystemRedis.requireInstalled();
        certificates.authority("ca").issue("server", "ca").issue("client", "ca");
    }

    private static SystemRedis tlsRedis(String authClients) {
        int port = TestRedis.freePort();
        return SystemRedis.start(0, List.of("--tls-port", Integer.toString(port),
                "--tls-cert-file", certs.resolve("server.crt").toString(),
                "--tls-key-file", certs.resolve("server.key").toString(),
                "--tls-ca-cert-file", certs.resolve("ca.crt").toString(),
                "--tls-auth-clients", authClients));
    }

    private static String source(String redisBlock) {
        return redisBlock + """
                bullmq:
                  - redis: main
                    interval: 200ms
                """;
    }

    @Test
    void tlsWithTheRightCaConnectsAndWithoutItFailsWithAClearMessage() {
        try (SystemRedis redis = tlsRedis("no")) {
            int port = redis.tlsPort();
            try (RunningExporter vigil = RunningExporter.start(source("""
                    redis:
                      main:
                        url: rediss://127.0.0.1:%d
                        tls: { ca_file: %s }
                    """.formatted(port, certs.resolve("ca.crt"))))) {
                Scrape s = vigil.awaitScrape(Duration.ofSeconds(15), x -> x.require("vigil_source_up", "source", SOURCE) == 1.0);
                assertThat(s.hasFamily("bullmq_job_count")).isFalse(); // nothing queued: no queues, but up
            }
            try (RunningExporter vigil = RunningExporter.start(source("""
                    redis:
                      main:
                        url: rediss://127.0.0.1:%d
                        connect_timeout: 2s
                    """.formatted(port)))) {
                vigil.awaitScrape(Duration.ofSeconds(15), x -> x.require("vigil_source_poll_errors_total", "source", SOURCE, "reason", "connection") >= 1);
                assertThat(vigil.get("/").body()).contains("TLS handshake failed (check tls.ca_file");
            }
            try (RunningExporter vigil = RunningExporter.start(source("""
                    redis:
                      main:
                        url: rediss://127.0.0.1:%d
                        tls: { insecure_skip_verify: true }
                    """.formatted(port)))) {
                vigil.awaitScrape(Duration.ofSeconds(15), x -> x.require("vigil_source_up", "source", SOURCE) == 1.0);
            }
        }
    }

    @Test
    void clientCertificateWhenTheServerRequiresOne() {
        try (SystemRedis redis = tlsRedis("yes")) {
            try (RunningExporter vigil = RunningExporter.start(source("""
                    redis:
                      main:
                        url: rediss://127.0.0.1:%d
                        tls:
                          ca_file: %s
                          cert_file: %s
                          key_file: %s
                    """.formatted(redis.tlsPort(), certs.resolve("ca.crt"), certs.resolve("client.crt"), certs.resolve("client.key"))))) {
                vigil.awaitScrape(Duration.ofSeconds(15), x -> x.require("vigil_source_up", "source", SOURCE) == 1.0);
            }
        }
    }

    @Test
    void aclUserWithPasswordFromAFile() throws IOException {
        // The smallest ACL docs/configuration.md gives.
        try (SystemRedis redis = SystemRedis.start()) {
            SystemRedis.cli("-p", Integer.toString(redis.port()), "ACL", "SETUSER", "vigil", "on", ">pa55-w0rd", "~*", "+@read", "+@connection", "+time", "+client|list", "+info", "+eval");
            SystemRedis.cli("-p", Integer.toString(redis.port()), "HSET", "bull:acl:meta", "version", "bullmq:5");
            Path secret = certs.resolve("acl-password");
            Files.writeString(secret, "pa55-w0rd\n");
            try (RunningExporter vigil = RunningExporter.start(source("""
                    redis:
                      main:
                        url: %s
                        username: vigil
                        password_file: %s
                    """.formatted(redis.url(), secret)))) {
                Scrape s = vigil.awaitScrape(Duration.ofSeconds(15), x -> x.value("bullmq_queue_paused", "redis", "main", "prefix", "bull", "queue", "acl").isPresent());
                assertThat(s.require("vigil_source_up", "source", SOURCE)).isEqualTo(1.0);
                assertThat(vigil.get("/").body()).doesNotContain("pa55-w0rd");
            }
        }
    }

    @Test
    void sentinelFindsTheMaster() {
        try (SystemRedis master = SystemRedis.start();
             SystemRedis sentinel = SystemRedis.sentinel(master.port(), "jobs")) {
            SystemRedis.cli("-p", Integer.toString(master.port()), "LPUSH", "bull:via-sentinel:wait", "1", "2", "3");
            SystemRedis.cli("-p", Integer.toString(master.port()), "HSET", "bull:via-sentinel:meta", "version", "bullmq:6");
            try (RunningExporter vigil = RunningExporter.start(source("""
                    redis:
                      main:
                        url: redis-sentinel://127.0.0.1:%d#jobs
                    """.formatted(sentinel.port())))) {
                Scrape s = vigil.awaitScrape(Duration.ofSeconds(20), x -> x.value("bullmq_job_count", "redis", "main", "prefix", "bull", "queue", "via-sentinel", "state", "waiting").isPresent());
                assertThat(s.require("bullmq_job_count", "redis", "main", "prefix", "bull", "queue", "via-sentinel", "state", "waiting")).isEqualTo(3.0);
            }
        }
    }
}
