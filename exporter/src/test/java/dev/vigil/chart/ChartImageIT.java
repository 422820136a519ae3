package dev.vigil.chart;

import static dev.vigil.chart.Tree.at;
import static dev.vigil.chart.Tree.list;
import static dev.vigil.chart.Tree.map;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.support.Command;
import dev.vigil.support.ExternalTool;
import dev.vigil.support.Podman;
import dev.vigil.support.RunningExporter;
import dev.vigil.support.Scrape;
import dev.vigil.support.TestPostgres;
import dev.vigil.support.TestRedis;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The image container/build.sh makes, run by Podman the way the kubelet runs the chart's Deployment: the
 * rendered image name, arguments, environment, user, read-only root filesystem, dropped capabilities and
 * mounts. Runs after {@code package} (failsafe), on the jar Maven just built.
 */
class ChartImageIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static String image;
    private static String buildOutput;

    @BeforeAll
    static void buildTheChartsImage() {
        Podman.requireInstalled();
        image = at(HelmChart.vigil().template().container("vigil"), "image").toString();
        buildOutput = Podman.buildImage(image);
    }

    @Test
    void theChartsPodServesRealQueuesAsNonRootOnAReadOnlyRootAndStopsWithStatusZero() throws IOException {
        try (TestRedis redis = TestRedis.start()) {
            TestPostgres postgres = TestPostgres.shared(TestPostgres.versions().get(0));
            RedisCommands<String, String> app = redis.sync();
            app.hset("bull:emails:meta", Map.of("opts.maxLenEvents", "10000", "version", "bullmq:5.81.5"));
            app.set("bull:emails:id", "9");
            app.lpush("bull:emails:wait", "1", "2", "3");
            app.zadd("bull:emails:prioritized", (1L << 32) + 4, "4");
            app.zadd("bull:emails:delayed", 1, "5");
            int port = TestRedis.freePort();
            // localhost, not 127.0.0.1: the image resolves names with its own C library and /etc/hosts.
            Rendered rendered = HelmChart.vigil().template("""
                    port: %d
                    config:
                      redis:
                        main:
                          url: redis://localhost:%d
                      bullmq:
                        - redis: main
                          interval: 500ms
                      postgres:
                        primary:
                          url: %s
                          user: %s
                          password: ${PG_PASSWORD}
                    extraEnv:
                      - name: PG_PASSWORD
                        value: %s
                    """.formatted(port, redis.port(), postgres.jdbcUrl("postgres"), TestPostgres.MONITOR_ROLE,
                    TestPostgres.MONITOR_PASSWORD));
            Map<String, Object> vigil = rendered.container("vigil");
            Path config = Files.createTempDirectory("vigil-image", PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwxr-xr-x")));
            Files.writeString(config.resolve("vigil.yml"), rendered.vigilYaml());
            config.resolve("vigil.yml").toFile().setReadable(true, false);

            String name = "vigil-it-" + ProcessHandle.current().pid();
            List<String> run = new ArrayList<>(List.of("-d", "--name", name));
            run.addAll(podmanSecurity(map(vigil, "securityContext")));
            for (Object e : list(vigil, "env")) {
                Map<String, Object> env = map(e);
                if (env.containsKey("value")) {
                    run.addAll(List.of("-e", env.get("name") + "=" + env.get("value")));
                }
            }
            run.addAll(List.of("-v", config + ":/etc/vigil/config:ro", "--tmpfs", "/tmp", image));
            list(vigil, "args").forEach(a -> run.add(a.toString()));
            try {
                Command.Result started = Podman.run(Duration.ofMinutes(1), run);
                assertThat(started.exitCode()).as(started.describe()).isZero();
                Scrape s = awaitScrape(port, name, m -> m.value("bullmq_job_count", "redis", "main", "prefix", "bull", "queue", "emails", "state", "waiting").isPresent()
                        && m.value("pg_up", "server", "primary").orElse(0.0) == 1.0);
                assertThat(s.require("bullmq_job_count", "redis", "main", "prefix", "bull", "queue", "emails", "state", "waiting")).isEqualTo(3.0);
                assertThat(s.require("bullmq_job_count", "redis", "main", "prefix", "bull", "queue", "emails", "state", "prioritized")).isEqualTo(1.0);
                assertThat(s.require("bullmq_job_count", "redis", "main", "prefix", "bull", "queue", "emails", "state", "delayed")).isEqualTo(1.0);
                assertThat(s.require("bullmq_queue_paused", "redis", "main", "prefix", "bull", "queue", "emails")).isEqualTo(0.0);

                // podman top reads the container's own /proc: the user it runs as, by name and number.
                assertThat(Podman.ok(List.of("top", name, "user", "huser")).lines().skip(1).map(l -> l.trim().split("\\s+")))
                        .containsExactly(new String[] {"vigil", "65532"});
                Command.Result write = Podman.podman(Duration.ofMinutes(1), List.of("exec", name,
                        "java", "-Xlog:os=info:file=/opt/vigil/probe.log", "-version"));
                assertThat(write.exitCode()).as(write.describe()).isNotZero();
                assertThat(write.output()).contains("Read-only file system");
                Command.Result tmp = Podman.podman(Duration.ofMinutes(1), List.of("exec", name,
                        "java", "-Xlog:os=info:file=/tmp/probe.log", "-version"));
                assertThat(tmp.exitCode()).as("the chart's /tmp is writable: " + tmp.describe()).isZero();

                int grace = (Integer) at(rendered.one("Deployment"), "spec.template.spec.terminationGracePeriodSeconds");
                Podman.ok(List.of("stop", "--time", Integer.toString(grace), name));
                assertThat(Podman.ok(List.of("inspect", "--format", "{{.State.ExitCode}}", name))).isEqualTo("0");
                assertThat(Podman.ok(List.of("logs", name))).contains("shutting down");
            } finally {
                Podman.podman(Duration.ofMinutes(1), List.of("rm", "-f", name));
            }
        }
    }

    @Test
    void aBadConfigFromVigilConfigExitsTwoWithItsOneLineError() throws IOException {
        Path dir = Files.createTempDirectory("vigil-image", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x")));
        Path file = Files.writeString(dir.resolve("vigil.yml"), "redis:\n  main:\n    url: redis://localhost:6379\nbullmq:\n  - redis: main\n    prefx: bull\n");
        file.toFile().setReadable(true, false);
        Command.Result r = Podman.run(Duration.ofMinutes(1), List.of("--rm", "--read-only", "--cap-drop", "ALL",
                "-v", dir + ":/etc/vigil:ro", "-e", "VIGIL_CONFIG=/etc/vigil/vigil.yml", image));
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(2);
        assertThat(r.output()).isEqualTo(
                "vigil: config error: /etc/vigil/vigil.yml:6: bullmq[0].prefx: unknown key; did you mean 'prefix'?\n");
    }

    @Test
    void theImageCarriesItsLabelsSizeAndContainerJvmOptions() {
        String version = Podman.run(Duration.ofMinutes(1), List.of("--rm", image, "--version")).output().trim();
        assertThat(Podman.ok(List.of("image", "inspect", "--format",
                "{{index .Labels \"org.opencontainers.image.version\"}}", image))).isEqualTo(version.substring("vigil ".length()));
        var git = Command.run(ExternalTool.repoRoot(), Duration.ofSeconds(30), List.of("git", "rev-parse", "HEAD"));
        // container/build.sh writes "unknown" when the sources are not a git checkout (an unpacked archive).
        String revision = git.exitCode() == 0 ? git.output().trim() : "unknown";
        assertThat(Podman.ok(List.of("image", "inspect", "--format",
                "{{index .Labels \"org.opencontainers.image.revision\"}}", image))).isEqualTo(revision);
        for (String label : List.of("source", "licenses")) {
            assertThat(Podman.ok(List.of("image", "inspect", "--format",
                    "{{index .Labels \"org.opencontainers.image." + label + "\"}}", image))).isNotBlank();
        }
        assertThat(buildOutput).containsPattern("== built " + java.util.regex.Pattern.quote(image) + ": \\d+ MiB");

        // The class-data archive recorded in the build is usable: -Xshare:on stops the JVM when it is not.
        Command.Result shared = Podman.run(Duration.ofMinutes(1), List.of("--rm", "-e", "JAVA_TOOL_OPTIONS=-Xshare:on", image, "--version"));
        assertThat(shared.exitCode()).as(shared.describe()).isEqualTo(0);
        assertThat(shared.output()).contains(version);

        // The options jlink built into the runtime apply to every java the image starts, with no flag given.
        String flags = Podman.run(Duration.ofMinutes(1), List.of("--rm", "--entrypoint", "java", image,
                "-XX:+PrintFlagsFinal", "-version")).output();
        assertThat(flags).containsPattern("bool UseSerialGC\\s+= true")
                .containsPattern("double MaxRAMPercentage\\s+= 50\\.0")
                .containsPattern("bool ExitOnOutOfMemoryError\\s+= true");
    }

    /** The container's securityContext as podman options: user and group, read-only root, capabilities. */
    private static List<String> podmanSecurity(Map<String, Object> context) {
        assertThat(context.get("runAsNonRoot")).isEqualTo(true);
        assertThat(list(context, "capabilities.drop")).containsExactly("ALL");
        assertThat(context.get("readOnlyRootFilesystem")).isEqualTo(true);
        assertThat(context.get("allowPrivilegeEscalation")).isEqualTo(false);
        return List.of("--user", context.get("runAsUser") + ":" + context.get("runAsGroup"), "--read-only",
                "--read-only-tmpfs=false", "--cap-drop", "ALL", "--security-opt", "no-new-privileges");
    }

    private static Scrape awaitScrape(int port, String container, Predicate<Scrape> condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String last = "(no answer)";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                last = r.body();
                if (r.statusCode() == 200 && condition.test(new Scrape(r.body()))) {
                    return new Scrape(r.body());
                }
            } catch (IOException notYet) {
                // still starting
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            RunningExporter.sleep(250);
        }
        throw new AssertionError("no such scrape within 60 s; last:\n" + last + "\nlog:\n" + Podman.podman(Duration.ofMinutes(1),
                List.of("logs", container)).output());
    }
}
