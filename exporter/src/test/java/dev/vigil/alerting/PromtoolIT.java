package dev.vigil.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.support.Command;
import dev.vigil.support.ExternalTool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Prometheus' own checks over every file in alert-rules: {@code promtool check rules} (syntax, PromQL,
 * duplicate rules, as fatal lint) and {@code promtool test rules} (the unit tests in alert-rules/tests, which
 * give the exact sample each recording rule yields and, for each alert, a case that fires and one that stays
 * quiet near its threshold).
 */
class PromtoolIT {
    private static final Path ALERT_RULES = ExternalTool.repoRoot().resolve("alert-rules");

    @BeforeAll
    static void promtool() {
        ExternalTool.require(ExternalTool.onPath("promtool", "--version"), "promtool", "apt-get install prometheus");
    }

    static List<Path> yamlFiles(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".yml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Command.Result promtool(List<String> args, List<Path> files) {
        List<String> command = new ArrayList<>(List.of("promtool"));
        command.addAll(args);
        files.forEach(f -> command.add(ALERT_RULES.relativize(f).toString()));
        return Command.run(ALERT_RULES, Duration.ofMinutes(5), command);
    }

    @Test
    void everyRuleFileChecksWithoutErrorOrLintFinding() {
        List<Path> rules = yamlFiles(ALERT_RULES.resolve("rules"));
        assertThat(rules).extracting(f -> f.getFileName().toString()).contains("recording.rules.yml");
        Command.Result check = promtool(List.of("check", "rules", "--lint=all", "--lint-fatal"), rules);
        assertThat(check.exitCode()).as(check.describe()).isZero();
        assertThat(check.output()).as(check.describe()).doesNotContainIgnoringCase("warning").doesNotContain("FAILED");
        for (Path f : rules) {
            assertThat(check.output()).as(check.describe()).contains("Checking " + ALERT_RULES.relativize(f));
        }
    }

    @Test
    void everyUnitTestPasses() {
        List<Path> tests = yamlFiles(ALERT_RULES.resolve("tests"));
        assertThat(tests).isNotEmpty();
        Command.Result run = promtool(List.of("test", "rules"), tests);
        assertThat(run.exitCode()).as(run.describe()).isZero();
        assertThat(run.output()).as(run.describe()).doesNotContain("FAILED");
    }
}
