package dev.vigil.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.support.RunningExporter;
import dev.vigil.support.TestRedis;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Vigil as a process, the way it runs in production: its stderr is one JSON object per line, and a source
 * going down and coming back is logged once each way, not once per poll.
 */
class LogOutputIT {
    @Test
    void oneJsonLinePerEventAndOutagesLoggedOnceEachWay() throws Exception {
        try (TestRedis redis = TestRedis.start()) {
            Path config = Files.createTempFile("vigil-log", ".yml");
            // A password in the URL (this Redis asks for none) must never reach the log.
            Files.writeString(config, """
                    server:
                      listen: 127.0.0.1:%d
                    redis:
                      main:
                        url: redis://:s3cret-pw@127.0.0.1:%d
                        connect_timeout: 300ms
                    bullmq:
                      - redis: main
                        interval: 200ms
                    """.formatted(TestRedis.freePort(), redis.port()));
            Path stderr = Files.createTempFile("vigil-log", ".err");
            Process vigil = start(config, stderr, "--log-format", "json");
            Supplier<List<String>> lines = () -> read(stderr);
            try {
                await(lines, "is up"); // "is up:" or, when a cold JVM's first poll timed out, "is up again"
                long downBefore = count(lines, "is down");
                long upBefore = count(lines, "is up again");
                redis.stopServer();
                await(lines, downBefore + 1, "is down");
                RunningExporter.sleep(2000); // about ten polls while down
                redis.startServer();
                await(lines, upBefore + 1, "is up again");
                assertThat(count(lines, "is down")).as("one line for the whole outage").isEqualTo(downBefore + 1);
            } finally {
                vigil.destroy(); // SIGTERM, as a container runtime stops it
                vigil.waitFor(15, TimeUnit.SECONDS);
            }
            List<String> all = lines.get();
            for (String line : all) {
                if (line.startsWith("SLF4J:")) {
                    continue; // the test classpath's SLF4J (from the embedded PostgreSQL artifacts) is not Vigil's
                }
                JsonObject event = new JsonObject(line); // every line is one JSON object
                assertThat(event.fieldNames()).contains("time", "level", "logger", "message");
            }
            assertThat(all).noneMatch(l -> l.contains("s3cret-pw"));
            assertThat(all).anyMatch(l -> l.contains("shutting down"));
        }
    }

    @Test
    void anUnreachableSentinelIsLoggedOnceNotOncePerPoll() throws Exception {
        Path config = Files.createTempFile("vigil-log", ".yml");
        Files.writeString(config, """
                server:
                  listen: 127.0.0.1:%d
                redis:
                  main:
                    url: redis-sentinel://127.0.0.1:%d#mymaster
                    connect_timeout: 300ms
                bullmq:
                  - redis: main
                    interval: 200ms
                """.formatted(TestRedis.freePort(), TestRedis.freePort()));
        Path stderr = Files.createTempFile("vigil-log", ".err");
        Process vigil = start(config, stderr);
        Supplier<List<String>> lines = () -> read(stderr);
        try {
            await(lines, "is down");
            // Lettuce's loggers are made at the first connect, after start-up; a collection in between once lost
            // the level Vigil set on their parent, and every poll's refused connect was logged again.
            RunningExporter.sleep(3000); // about fifteen polls
        } finally {
            vigil.destroy();
            vigil.waitFor(15, TimeUnit.SECONDS);
        }
        assertThat(count(lines, "is down")).as("one line for the outage").isEqualTo(1);
        // Lettuce's RedisClient logged "Cannot connect Redis Sentinel at ..." under its own name; Vigil's one line
        // above quotes the same error text, so the logger's name is what tells them apart.
        assertThat(lines.get()).as("Lettuce's own line per refused connect").noneMatch(l -> l.contains(" RedisClient: "));
    }

    /** Vigil as its own process, on the test classpath, with its stderr in this file. */
    private static Process start(Path config, Path stderr, String... moreArgs) throws java.io.IOException {
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.vigil.Main", "--config", config.toString()));
        command.addAll(List.of(moreArgs));
        return new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(stderr.toFile()).start();
    }

    private static List<String> read(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static long count(Supplier<List<String>> lines, String text) {
        return lines.get().stream().filter(l -> l.contains(text)).count();
    }

    private static void await(Supplier<List<String>> lines, String text) {
        await(lines, 1, text);
    }

    private static void await(Supplier<List<String>> lines, long times, String text) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (count(lines, text) < times) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no log line with '" + text + "' in:\n" + String.join("\n", lines.get()));
            }
            RunningExporter.sleep(50);
        }
    }
}
