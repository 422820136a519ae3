package dev.vigil.cds;

import dev.vigil.support.TestRedis;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Records the class-data archive that {@code mvn package} leaves beside the jar (exporter/pom.xml). Not a test: a
 * step of the build that needs a test-scope server. The start it records is a real one: src/cds/training.yml with
 * its Redis pointed at an embedded Redis holding a few BullMQ-shaped queues, waited for until ready, moved once
 * (a job added, completed and failed), scraped in every exposition format, then stopped with SIGTERM, when the JVM
 * writes the archive.
 *
 * <p>Why not {@code --once} against sources that are all down, as before: such a start never polls a queue nor
 * serves a request, so the first poll's and first scrape's classes, about 300, still came from the jar at every
 * start (docs/performance.md has the figures). The image build, which has no Redis, still records that way.
 *
 * <p>Arguments: the jar, the archive to write, the training config, the log file for the child's output.
 */
public final class ArchiveTraining {
    private static final Pattern POLLS = Pattern.compile(
            "^vigil_source_poll_duration_seconds_count\\{[^}]*source=\"bullmq/main/bull\"[^}]*} (\\S+)$", Pattern.MULTILINE);
    private static final List<String> ACCEPTS = List.of(
            "text/plain; version=0.0.4",
            "application/openmetrics-text; version=1.0.0",
            "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited");

    private ArchiveTraining() {
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]);
        Path archive = Path.of(args[1]);
        Path config = Path.of(args[2]);
        Path log = Path.of(args[3]);
        Files.deleteIfExists(archive);
        try (TestRedis redis = TestRedis.start()) {
            RedisCommands<String, String> app = redis.sync();
            seed(app);
            int port = TestRedis.freePort();
            ProcessBuilder start = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:ArchiveClassesAtExit=" + archive, "-XX:+UseSerialGC", "-Xmx96m", "-Xss512k",
                    "-jar", jar.toString(), "--config", config.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            start.environment().put("VIGIL_TRAINING_REDIS", redis.url());
            start.environment().put("VIGIL_TRAINING_LISTEN", "127.0.0.1:" + port);
            Process vigil = start.start();
            try {
                train(vigil, port, app);
            } finally {
                vigil.destroy(); // SIGTERM: Vigil shuts down, and the JVM writes the archive as it exits
                if (!vigil.waitFor(60, TimeUnit.SECONDS)) {
                    vigil.destroyForcibly();
                    fail("the training start did not stop within 60 s", log);
                }
            }
            if (vigil.exitValue() != 0 || !Files.exists(archive)) {
                fail("the training start exited with " + vigil.exitValue() + (Files.exists(archive) ? "" : " and wrote no archive"), log);
            }
        }
        System.out.println("class-data archive recorded: " + archive + " (" + Files.size(archive) / 1024 / 1024 + " MiB)");
    }

    private static void train(Process vigil, int port, RedisCommands<String, String> app) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (status(http, port, "/readyz") != 200) {
            if (!vigil.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("the training start was not ready within 60 s");
            }
            Thread.sleep(50);
        }
        double polls = polls(http, port);
        // A job added, started and completed, another failed: the events a poll reads and the job hashes whose
        // times go into the wait and processing histograms.
        long now = System.currentTimeMillis();
        app.hset("bull:train-a:10", Map.of("name", "send", "data", "{}", "timestamp", Long.toString(now - 900),
                "processedOn", Long.toString(now - 400), "finishedOn", Long.toString(now)));
        app.hset("bull:train-a:11", Map.of("name", "send", "data", "{}", "timestamp", Long.toString(now - 900),
                "processedOn", Long.toString(now - 400), "finishedOn", Long.toString(now), "failedReason", "boom"));
        app.zadd("bull:train-a:completed", now, "10");
        app.zadd("bull:train-a:failed", now, "11");
        event(app, "added", "10");
        event(app, "active", "10");
        app.xadd("bull:train-a:events", Map.of("event", "completed", "jobId", "10", "returnvalue", "null", "prev", "active"));
        app.xadd("bull:train-a:events", Map.of("event", "failed", "jobId", "11", "failedReason", "boom", "prev", "active"));
        while (polls(http, port) < polls + 2) {
            if (!vigil.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("the training start did not poll twice more within 60 s");
            }
            Thread.sleep(100);
        }
        for (String accept : ACCEPTS) {
            for (String encoding : List.of("identity", "gzip")) {
                HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                        .header("Accept", accept).header("Accept-Encoding", encoding).timeout(Duration.ofSeconds(20)).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                if (r.statusCode() != 200) {
                    throw new IllegalStateException("/metrics for " + accept + " answered " + r.statusCode());
                }
            }
        }
        for (String path : List.of("/", "/healthz")) {
            status(http, port, path);
        }
    }

    /** Three queues: BullMQ 5 with a job in every state, a paused BullMQ 6 one, an empty one; an application cache. */
    private static void seed(RedisCommands<String, String> app) {
        app.hset("bull:train-a:meta", Map.of("opts.maxLenEvents", "10000", "version", "bullmq:5.81.5"));
        app.rpush("bull:train-a:wait", "2", "1");
        app.rpush("bull:train-a:active", "3");
        app.zadd("bull:train-a:delayed", 1, "4");
        app.zadd("bull:train-a:prioritized", (5L << 32) + 1, "5");
        app.zadd("bull:train-a:waiting-children", 0, "6");
        app.zadd("bull:train-a:completed", 1, "7");
        app.zadd("bull:train-a:failed", 2, "8");
        for (String id : List.of("1", "2", "3", "4", "5", "6", "7", "8")) {
            app.hset("bull:train-a:" + id, Map.of("name", "send", "data", "{}", "timestamp", "1000"));
        }
        event(app, "waiting", "1");
        app.hset("bull:train-b:meta", Map.of("version", "bullmq:6.0.0", "paused", "1"));
        app.rpush("bull:train-b:wait", "1");
        app.hset("bull:train-b:1", Map.of("name", "send", "data", "{}", "timestamp", "1000"));
        app.hset("bull:train-c:meta", Map.of("version", "bullmq:5.81.5"));
        app.hset("cache:stats:semantic", Map.of("hits", "90", "misses", "10"));
    }

    private static void event(RedisCommands<String, String> app, String event, String jobId) {
        app.xadd("bull:train-a:events", Map.of("event", event, "jobId", jobId));
    }

    private static double polls(HttpClient http, int port) throws Exception {
        String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = POLLS.matcher(body);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private static int status(HttpClient http, int port, String path) throws InterruptedException {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(20))
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException notYet) {
            return 0;
        }
    }

    private static void fail(String what, Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        throw new IllegalStateException(what + "; the last lines of " + log + ":\n"
                + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size())));
    }
}
