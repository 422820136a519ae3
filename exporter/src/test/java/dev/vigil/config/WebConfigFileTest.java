package dev.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.support.ConfigFile;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The web configuration file as written for other exporters: what it accepts, and the one-line errors. */
class WebConfigFileTest {
    private static final String HASH = "$2y$10$" + "a".repeat(53);

    @TempDir
    Path dir;

    private Path write(String yaml) {
        return ConfigFile.web(dir).write(yaml);
    }

    private String error(String yaml) {
        return ConfigFile.web(dir).error(yaml).describe();
    }

    @Test
    void usersHeadersAndRateLimitWithoutTlsAreRead() throws Exception {
        WebConfig c = WebConfigFile.load(write("""
                http_server_config:
                  http2: false
                  headers:
                    X-Frame-Options: deny
                    Strict-Transport-Security: max-age=600
                basic_auth_users:
                  alice: %s
                rate_limit:
                  interval: 100ms
                  burst: 5
                """.formatted(HASH)));
        assertThat(c.tls()).isEmpty();
        assertThat(c.users()).containsOnlyKeys("alice");
        assertThat(c.users().get("alice").value()).isEqualTo(HASH);
        assertThat(c.headers()).containsEntry("X-Frame-Options", "deny").containsEntry("Strict-Transport-Security", "max-age=600");
        assertThat(c.http2()).isFalse();
        assertThat(c.rateLimit()).contains(new WebConfig.RateLimit(java.time.Duration.ofMillis(100), 5));
        assertThat(c.files()).containsExactly(dir.resolve("web.yml"));
    }

    @Test
    void anEmptyFileAndAnEmptyTlsSectionMeanPlainHttpWithoutAuth() throws Exception {
        assertThat(WebConfigFile.load(write("")).users()).isEmpty();
        assertThat(WebConfigFile.load(write("tls_server_config: {}\n")).tls()).isEmpty();
    }

    @Test
    void eachMistakeIsOneLineWithFileLineAndKey() throws Exception {
        String file = dir.resolve("web.yml").toString();
        assertThat(error("basic_auth_users:\n  alice: plain-text\n"))
                .isEqualTo(file + ":2: basic_auth_users.alice: expected a bcrypt hash such as htpasswd -nBC 10 writes ($2y$10$ and 53 more characters)");
        assertThat(error("http_server_config:\n  headers:\n    Server: vigil\n"))
                .startsWith(file + ":3: http_server_config.headers.Server: this header cannot be set; allowed: Content-Security-Policy,");
        assertThat(error("http_server_config:\n  headers:\n    X-Frame-Options: allow\n"))
                .isEqualTo(file + ":3: http_server_config.headers.X-Frame-Options: expected one of [deny, sameorigin], got 'allow'");
        assertThat(error("tls_server_config:\n  cert_file: missing.crt\n  key_file: missing.key\n"))
                .startsWith(file + ":2: tls_server_config.cert_file: cannot read " + dir.resolve("missing.crt"));
        assertThat(error("tls_server_config:\n  client_auth_type: RequireAndVerifyClientCert\n"))
                .isEqualTo(file + ":2: tls_server_config.cert_file: is required (or cert, the PEM inline) when TLS is configured");
        assertThat(error("tls_server_config:\n  cert_fle: a.crt\n")).isEqualTo(file + ":2: tls_server_config.cert_fle: unknown key; did you mean 'cert_file'?");
        assertThat(error("basic_auth_users: [alice]\n")).isEqualTo(file + ":1: basic_auth_users: expected a mapping (nested key: value lines), got a list");
    }

    @Test
    void valuesAreTakenLiterallyAsOtherExportersReadThem() throws Exception {
        // The main config would expand ${NONCE}; this format has no variables, so it stays as written.
        WebConfig c = WebConfigFile.load(write("http_server_config:\n  headers:\n    Content-Security-Policy: \"script-src 'nonce-${NONCE}'\"\n"));
        assertThat(c.headers()).containsEntry("Content-Security-Policy", "script-src 'nonce-${NONCE}'");
    }
}
