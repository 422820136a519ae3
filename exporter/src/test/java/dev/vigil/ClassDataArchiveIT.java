package dev.vigil;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.support.ServerProcess;
import dev.vigil.support.TestRedis;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The class-data archive that {@code mvn package} records beside the jar (exporter/pom.xml) is one the README's
 * run command can use: {@code -Xshare:on} refuses to start at all when the archive does not map, and Vigil's own
 * classes come from it. The JVM runs with the README's own flags, so one this JDK does not know fails here.
 */
class ClassDataArchiveIT {
    private static final Path TARGET = Path.of("target");

    @Test
    void theBuildsArchiveMapsAndHoldsVigilsClasses() throws Exception {
        List<String> out = runWithArchive("--version");
        assertThat(out).anyMatch(l -> l.contains(" dev.vigil.Main source: shared objects file (top)"));
        assertThat(out).anyMatch(l -> l.startsWith("vigil ")); // the version, among the class-loading lines
    }

    /**
     * Reading a config file comes from the archive too: the archive's start reads one (src/cds/training.yml).
     * Recorded with the default configuration, it held no YAML parser, and a start with a file loaded SnakeYAML
     * and the config's classes from the jar.
     */
    @Test
    void readingAConfigFileUsesArchivedClasses(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("vigil.yml");
        Files.writeString(config, """
                redis:
                  main:
                    url: redis://127.0.0.1:6379
                bullmq:
                  - redis: main
                    interval: 2s
                """);
        List<String> out = runWithArchive("--config", config.toString(), "--check-config");
        assertThat(out).anyMatch(l -> l.equals("configuration is valid"));
        List<String> fromJar = out.stream().filter(l -> l.contains("source: jar:") || l.contains("source: file:"))
                .filter(l -> l.contains(" org.yaml.snakeyaml.") || l.contains(" dev.vigil.config.")).toList();
        assertThat(fromJar).as("SnakeYAML and config classes loaded from the jar, not the archive").isEmpty();
        assertThat(out).anyMatch(l -> l.contains(" org.yaml.snakeyaml.Yaml source: shared objects file (top)"));
    }

    /**
     * The archive's training is a real start against a real Redis (ArchiveTraining), so a start that polls queues
     * and serves a scrape takes those classes from the archive too. Trained with every source down, as before,
     * such a start loaded about 300 classes from the jar, Vigil's poll and Netty's HTTP codec among them. And no
     * JFR event class gets a generated handler: Netty's allocator events, loaded at the first large reply, cost
     * about 0.2 s from start to ready before Vigil turned them off (Main).
     */
    @Test
    void aStartThatPollsQueuesAndServesAScrapeUsesArchivedClasses(@TempDir Path dir) throws Exception {
        try (TestRedis redis = TestRedis.start()) {
            RedisCommands<String, String> app = redis.sync();
            app.hset("bull:mail:meta", Map.of("version", "bullmq:5.81.5"));
            app.rpush("bull:mail:wait", "1");
            app.hset("bull:mail:1", Map.of("name", "send", "data", "{}", "timestamp", "1000"));
            app.xadd("bull:mail:events", Map.of("event", "waiting", "jobId", "1"));
            int port = TestRedis.freePort();
            Path config = dir.resolve("vigil.yml");
            Files.writeString(config, "server:\n  listen: 127.0.0.1:" + port + "\nredis:\n  main:\n    url: " + redis.url()
                    + "\nbullmq:\n  - redis: main\n    interval: 1s\n");
            String scrape;
            List<String> out;
            try (ServerProcess vigil = ServerProcess.start("vigil", Files.createDirectory(dir.resolve("vigil")), port,
                    java("--config", config.toString()))) {
                vigil.awaitReady("/readyz");
                scrape = vigil.get("/metrics").body();
                vigil.stop();
                out = vigil.log().lines().toList();
            }
            assertThat(scrape).contains("bullmq_job_count{prefix=\"bull\",queue=\"mail\",redis=\"main\",state=\"waiting\"} 1.0\n");
            List<String> fromJar = out.stream().filter(l -> l.contains("source: jar:") || l.contains("source: file:")).toList();
            assertThat(fromJar).as("classes from the jar").noneMatch(l -> l.contains(" dev.vigil."));
            assertThat(fromJar.size()).as("classes from the jar: %s", fromJar).isLessThan(30);
            for (String cls : List.of("dev.vigil.bullmq.QueueWatch", "dev.vigil.poll.PollResult",
                    "io.netty.handler.codec.http.HttpRequestDecoder", "io.lettuce.core.output.StatusOutput")) {
                assertThat(out).anyMatch(l -> l.contains("] " + cls + " source: shared objects file (top)"));
            }
            assertThat(out).noneMatch(l -> l.contains("jdk.jfr.internal.handlers.EventHandler"));
            assertThat(out).noneMatch(l -> l.contains("io.netty.buffer.") && l.contains("Event source:"));
        }
    }

    /** The java command with the README's flags, -Xshare:on (no start at all without the archive) and class-loading lines. */
    private static List<String> java(String... args) throws IOException {
        Path jar = TARGET.resolve("vigil-exporter.jar");
        Path archive = TARGET.resolve("vigil.jsa");
        assertThat(archive).as("recorded by the package phase").exists();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(readmeFlags());
        command.addAll(List.of("-Xshare:on", "-Xlog:class+load=info", "-jar", jar.toString()));
        command.addAll(List.of(args));
        assertThat(command).contains("-XX:SharedArchiveFile=" + archive, "-XX:+UseSerialGC");
        return command;
    }

    /** Runs the jar with the README's flags and -Xshare:on (no start at all without the archive); its output. */
    private static List<String> runWithArchive(String... args) throws Exception {
        List<String> command = java(args);
        // To a file, not a pipe: the class-loading lines would fill a pipe long before the JVM exits.
        Path log = Files.createTempFile("vigil-cds", ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean exited = p.waitFor(60, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly();
        }
        List<String> out = Files.readAllLines(log, StandardCharsets.UTF_8);
        Files.delete(log);
        assertThat(exited).as("exited within 60 s").isTrue();
        assertThat(p.exitValue()).as(String.join("\n", out.subList(Math.max(0, out.size() - 20), out.size()))).isZero();
        return out;
    }

    /** The JVM flags of the README's run command, with paths from the exporter module, where the tests run. */
    private static List<String> readmeFlags() throws IOException {
        String run = Files.readAllLines(Path.of("..", "README.md")).stream()
                .filter(l -> l.startsWith("mvn -B -q package -DskipTests && java "))
                .findFirst().orElseThrow(() -> new AssertionError("README.md has no run command"));
        String flags = run.substring(run.indexOf("&& java ") + "&& java ".length(), run.indexOf(" -jar "));
        return List.of(flags.replace("exporter/target/", "target/").split(" "));
    }
}
