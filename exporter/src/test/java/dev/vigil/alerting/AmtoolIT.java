package dev.vigil.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.support.AlertmanagerServer;
import dev.vigil.support.Command;
import dev.vigil.support.ExternalTool;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Alertmanager's own checks of alert-rules/alertmanager: {@code amtool check-config} (which also loads the
 * templates), and {@code amtool config routes test} for each receiver and for every alert of the rule files
 * with its real labels: critical to PagerDuty and the on-call Slack channel, warning and info to Slack, spend
 * and budget alerts to finance (e-mail and the spend channel).
 */
class AmtoolIT {
    private static final Path CONFIG = ExternalTool.repoRoot().resolve("alert-rules/alertmanager/alertmanager.yml");

    @BeforeAll
    static void amtool() {
        AlertmanagerServer.requireInstalled();
    }

    private static Command.Result amtool(List<String> args) {
        List<String> command = new ArrayList<>(List.of("amtool"));
        command.addAll(args);
        return Command.run(CONFIG.getParent(), Duration.ofMinutes(1), command);
    }

    /** The receivers amtool prints for an alert with these labels, e.g. "pagerduty,slack-oncall". */
    private static String receivers(Map<String, String> labels) {
        List<String> args = new ArrayList<>(List.of("config", "routes", "test", "--config.file=" + CONFIG));
        labels.forEach((k, v) -> args.add(k + "=" + v));
        Command.Result r = amtool(args);
        assertThat(r.exitCode()).as(r.describe()).isZero();
        return r.output().lines().filter(l -> !l.startsWith("Warning:")).findFirst().orElse("").trim();
    }

    @Test
    void theConfigurationAndItsTemplatesAreValid() {
        Command.Result check = amtool(List.of("check-config", CONFIG.toString()));
        assertThat(check.exitCode()).as(check.describe()).isZero();
        assertThat(check.output()).as(check.describe()).contains("SUCCESS").contains("1 templates").contains("3 receivers");
    }

    @Test
    void eachReceiverGetsWhatItIsFor() {
        assertThat(receivers(Map.of("alertname", "QueueDepthHigh", "severity", "critical", "team", "backend", "queue", "emails")))
                .isEqualTo("pagerduty,slack-oncall");
        assertThat(receivers(Map.of("alertname", "QueueDepthHigh", "severity", "warning", "team", "backend", "queue", "emails")))
                .isEqualTo("slack-oncall");
        assertThat(receivers(Map.of("alertname", "LlmSpendPerHourHigh", "severity", "warning", "team", "finance")))
                .isEqualTo("finance");
        assertThat(receivers(Map.of("alertname", "LlmUnpricedModel", "severity", "info", "team", "finance")))
                .isEqualTo("finance");
        assertThat(receivers(Map.of("alertname", "Unknown"))).as("anything else").isEqualTo("slack-oncall");
        Command.Result verify = amtool(List.of("config", "routes", "test", "--config.file=" + CONFIG,
                "--verify.receivers=pagerduty,slack-oncall", "severity=critical", "team=backend"));
        assertThat(verify.exitCode()).as(verify.describe()).isZero();
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyAlertOfTheRuleFilesRoutesByItsSeverityAndTeam() {
        Set<String> seen = new HashSet<>();
        for (Map<String, Object> alert : RuleFilesTest.rules("alert")) {
            Map<String, String> labels = new java.util.TreeMap<>((Map<String, String>) alert.get("labels"));
            labels.put("alertname", (String) alert.get("alert"));
            String expected = "finance".equals(labels.get("team")) ? "finance"
                    : "critical".equals(labels.get("severity")) ? "pagerduty,slack-oncall" : "slack-oncall";
            assertThat(receivers(labels)).as(labels.toString()).isEqualTo(expected);
            seen.add(expected);
        }
        assertThat(seen).containsExactlyInAnyOrder("finance", "pagerduty,slack-oncall", "slack-oncall");
    }
}
