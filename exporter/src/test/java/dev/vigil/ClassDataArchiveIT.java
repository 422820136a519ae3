package dev.vigil;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

    /** Runs the jar with the README's flags and -Xshare:on (no start at all without the archive); its output. */
    private static List<String> runWithArchive(String... args) throws Exception {
        Path jar = TARGET.resolve("vigil-exporter.jar");
        Path archive = TARGET.resolve("vigil.jsa");
        assertThat(archive).as("recorded by the package phase").exists();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(readmeFlags());
        command.addAll(List.of("-Xshare:on", "-Xlog:class+load=info", "-jar", jar.toString()));
        command.addAll(List.of(args));
        assertThat(command).contains("-XX:SharedArchiveFile=" + archive, "-XX:+UseSerialGC");
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
