package dev.vigil;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Map<String, String> env, String... args) {
        return Main.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void oncePollsEverySourcePrintsTheExpositionAndExitsZeroEvenWithTheSourceDown() throws Exception {
        int closedPort;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            closedPort = probe.getLocalPort(); // nothing listens here once the probe is closed
        }
        Path file = dir.resolve("vigil.yml");
        Files.writeString(file, """
                server: { listen: "127.0.0.1:0" }
                redis: { main: { url: "redis://127.0.0.1:%d", connect_timeout: 1s } }
                bullmq: [ { redis: main } ]
                """.formatted(closedPort));
        assertThat(run(Map.of(), "--config", file.toString(), "--once")).isEqualTo(0);
        assertThat(stdout()).contains("vigil_source_up{source=\"bullmq/main/bull\"} 0.0\n")
                .contains("vigil_source_poll_errors_total{reason=\"connection\",source=\"bullmq/main/bull\"} 1.0\n")
                .contains("vigil_build_info{").contains("jvm_memory_used_bytes{");
    }

    @Test
    void checkConfigOnAGoodFilePrintsASummaryAndExitsZero() throws Exception {
        Path file = dir.resolve("ok.yml");
        Files.writeString(file, """
                redis:
                  main: { url: "redis://u:topsecret@127.0.0.1:6379" }
                bullmq:
                  - redis: main
                """);
        assertThat(run(Map.of(), "--config", file.toString(), "--check-config")).isEqualTo(0);
        assertThat(stdout()).contains("source bullmq/main/bull: bullmq prefix 'bull' on redis main, every 5s, discovering queues")
                .contains("configuration is valid").doesNotContain("topsecret");
    }

    @Test
    void aBadConfigExitsTwoWithFileLineAndKeyAndNoStackTrace() throws Exception {
        Path file = dir.resolve("bad.yml");
        Files.writeString(file, "redis:\n  main:\n    ur1: redis://127.0.0.1\n");
        assertThat(run(Map.of(), "--check-config", "--config=" + file)).isEqualTo(2);
        assertThat(stderr().strip()).isEqualTo("vigil: config error: " + file + ":3: redis.main.ur1: unknown key; did you mean 'url'?");
    }

    @Test
    void aMalformedWebConfigFileExitsTwoWithItsFileLineAndKey() throws Exception {
        Path web = dir.resolve("web.yml");
        Files.writeString(web, "http_server_config:\n  http2: true\nbasic_auth_user:\n  prometheus: x\n");
        Path file = dir.resolve("main.yml");
        Files.writeString(file, "server:\n  web_config_file: " + web + "\n");
        assertThat(run(Map.of(), "--check-config", "--config=" + file)).isEqualTo(2);
        assertThat(stderr().strip()).isEqualTo("vigil: config error: " + web + ":3: basic_auth_user: unknown key; did you mean 'basic_auth_users'?");
    }

    @Test
    void configFromTheEnvironment() throws Exception {
        Path file = dir.resolve("env.yml");
        Files.writeString(file, "server:\n  listen: 127.0.0.1:9\n");
        assertThat(run(Map.of("VIGIL_CONFIG", file.toString()), "--check-config")).isEqualTo(0);
        assertThat(stdout()).contains("config: " + file).contains("listen: 127.0.0.1:9");
    }

    @Test
    void versionHelpAndUnknownOptions() {
        assertThat(run(Map.of(), "--version")).isEqualTo(0);
        assertThat(stdout()).startsWith("vigil ");
        assertThat(run(Map.of(), "--help")).isEqualTo(0);
        assertThat(stdout()).contains("--check-config");
        assertThat(run(Map.of(), "--bogus")).isEqualTo(2);
        assertThat(stderr()).startsWith("vigil: unknown option '--bogus'");
        assertThat(run(Map.of(), "--log-format", "xml")).isEqualTo(2);
        assertThat(stderr()).contains("--log-format takes text or json, not 'xml'");
    }

    @Test
    void anEmptyOrCommentOnlyFileIsOneLineAndExitTwo() throws Exception {
        for (String text : new String[] {"", "\n\n", "# nothing set yet\n# server:\n#   listen: 127.0.0.1:9740\n", "---\n"}) {
            Path file = dir.resolve("empty.yml");
            Files.writeString(file, text);
            err.reset();
            assertThat(run(Map.of(), "--check-config", "--config", file.toString())).as("%s", text).isEqualTo(2);
            assertThat(stderr().strip()).isEqualTo("vigil: config error: " + file
                    + ": the file sets nothing (it is empty or only comments); leave out --config to run on the built-in defaults");
        }
    }

    @Test
    void aDurationTooLongForAnyClockIsOneLineAndExitTwo() throws Exception {
        Path file = dir.resolve("long.yml");
        Files.writeString(file, "redis:\n  main: { url: \"redis://127.0.0.1\" }\nbullmq:\n  - redis: main\n    interval: 9999999999999999h\n");
        assertThat(run(Map.of(), "--check-config", "--config", file.toString())).isEqualTo(2);
        assertThat(stderr().strip()).isEqualTo("vigil: config error: " + file
                + ":5: bullmq[0].interval: '9999999999999999h' is longer than 3650d, the longest duration Vigil takes");
    }

    @Test
    void aFileOverOneMebibyteIsRefusedBeforeParsing() throws Exception {
        Path file = dir.resolve("huge.yml");
        // A 50 MB scalar kept the parser busy for minutes; the size alone now decides, at once.
        Files.writeString(file, "server:\n  listen: \"" + "x".repeat(50 * 1024 * 1024) + "\"\n");
        assertThat(run(Map.of(), "--check-config", "--config", file.toString())).isEqualTo(2);
        assertThat(stderr().strip()).isEqualTo("vigil: config error: " + file + ": the file is 52428821 bytes; a config file may be at most 1048576 (1 MiB)");
    }
}
