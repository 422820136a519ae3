package dev.vigil.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.support.AlertmanagerServer;
import dev.vigil.support.ExternalTool;
import dev.vigil.support.PrometheusServer;
import dev.vigil.support.RunningExporter;
import dev.vigil.support.StandInReceiver;
import dev.vigil.support.StandInReceiver.Received;
import dev.vigil.support.TestRedis;
import io.lettuce.core.api.sync.RedisCommands;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole alerting path, each part real: a queue backs up in Redis, Vigil polls it, Prometheus scrapes
 * Vigil and evaluates the production queue rules, Alertmanager routes with the production configuration and
 * templates and delivers to local servers standing in for PagerDuty's Events API v2 and a Slack webhook.
 * Only what a test cannot wait for comes from an overlay (TestOverlay): {@code for:} of 2 s, group timing of
 * 1 s, receivers and secret files on this machine.
 */
class QueueAlertDeliveryIT {
    private static final Path ALERT_RULES = ExternalTool.repoRoot().resolve("alert-rules");
    private static final Duration PATIENCE = Duration.ofMinutes(2);
    private static final String ROUTING_KEY = "R0UT1NGKEY0F32CHARACTERSXXXXXXX";

    @TempDir
    Path work;

    @BeforeAll
    static void tools() {
        PrometheusServer.requireInstalled();
        AlertmanagerServer.requireInstalled();
    }

    private static void pushJobs(RedisCommands<String, String> app, String queue, int from, int count) {
        String[] ids = IntStream.range(from, from + count).mapToObj(Integer::toString).toArray(String[]::new);
        app.lpush("bull:" + queue + ":wait", ids);
    }

    private static String slackText(Received r) {
        JsonArray attachments = r.body().getJsonArray("attachments");
        JsonObject a = attachments.getJsonObject(0);
        return a.getString("title") + "\n" + a.getString("text");
    }

    @Test
    void aBackedUpQueuePagesPagerDutyTellsSlackAndBothHearTheResolve() throws Exception {
        try (TestRedis redis = TestRedis.start();
             StandInReceiver pagerDuty = StandInReceiver.pagerDuty();
             StandInReceiver slack = StandInReceiver.slack()) {
            RedisCommands<String, String> app = redis.sync();
            // The queue exists before Vigil starts (discovery runs at start), with nothing waiting yet.
            app.hset("bull:emails:meta", Map.of("opts.maxLenEvents", "10000", "version", "bullmq:5.81.5"));
            app.set("bull:emails:id", "0");

            Path rules = TestOverlay.alertsWithShortFor(ALERT_RULES.resolve("rules/queues.rules.yml"),
                    Set.of("QueueDepthHigh"), "2s", work);
            Path config = TestOverlay.alertmanager(ALERT_RULES.resolve("alertmanager/alertmanager.yml"), Map.of(
                    "/etc/alertmanager/secrets/pagerduty-routing-key", ROUTING_KEY,
                    "/etc/alertmanager/secrets/slack-oncall-webhook-url", slack.url("/services/T0/B0/oncall"),
                    "/etc/alertmanager/secrets/slack-spend-webhook-url", slack.url("/services/T0/B1/spend"),
                    "/etc/alertmanager/secrets/smtp-password", "not-used"),
                    pagerDuty.url("/v2/enqueue"), Files.createDirectories(work.resolve("alertmanager")));

            try (RunningExporter vigil = RunningExporter.start(RunningExporter.bullmqConfig(redis.url(), "    prefix: bull\n"));
                 AlertmanagerServer alertmanager = AlertmanagerServer.start(config);
                 PrometheusServer prometheus = PrometheusServer.start(
                         PrometheusServer.Setup.scraping(URI.create(vigil.baseUrl()).getAuthority())
                                 .withRules(List.of(rules, ALERT_RULES.resolve("rules/recording.rules.yml")))
                                 .withAlertmanager(alertmanager.hostPort()))) {
                prometheus.awaitQuery("queue:bullmq_queue_depth:sum{queue=\"emails\"}", PATIENCE, r -> r.size() == 1);

                // Over 500: the warning, to Slack only.
                pushJobs(app, "emails", 1, 600);
                Received warning = slack.await(PATIENCE, "the warning",
                        r -> slackText(r).contains("[warning] Queue emails has 600 jobs waiting (more than 500)"));
                assertThat(warning.path()).isEqualTo("/services/T0/B0/oncall");
                assertThat(warning.contentType()).startsWith("application/json");
                assertThat(warning.body().getString("channel")).isEqualTo("#oncall");
                assertThat(slackText(warning)).startsWith("[FIRING:1] QueueDepthHigh queue emails")
                        .contains("Runbook: https://github.com/vigil-dev/vigil/blob/main/alert-rules/RUNBOOK.md#queuedepthhigh");
                assertThat(pagerDuty.received()).as("a warning pages nobody").isEmpty();

                // Over 1000: the critical, to PagerDuty with the routing key from its file, and to Slack.
                pushJobs(app, "emails", 601, 600);
                Received trigger = pagerDuty.await(PATIENCE, "a trigger", r -> "trigger".equals(r.body().getString("event_action")));
                assertThat(trigger.path()).isEqualTo("/v2/enqueue");
                assertThat(trigger.body().getString("routing_key")).isEqualTo(ROUTING_KEY);
                JsonObject payload = trigger.body().getJsonObject("payload");
                assertThat(payload.getString("summary")).isEqualTo("Queue emails has 1200 jobs waiting (more than 1000)");
                assertThat(payload.getString("severity")).isEqualTo("critical");
                assertThat(trigger.body().getString("client")).isEqualTo("Vigil alerts");
                String dedupKey = trigger.body().getString("dedup_key");
                assertThat(dedupKey).isNotBlank();
                Received critical = slack.await(PATIENCE, "the critical",
                        r -> slackText(r).contains("[critical] Queue emails has 1200 jobs waiting (more than 1000)"));
                assertThat(slackText(critical)).as("the warning for the same queue is inhibited by the critical")
                        .doesNotContain("[warning]");
                assertThat(critical.body().getJsonArray("attachments").getJsonObject(0).getString("color")).isEqualTo("danger");

                // The queue drains: both hear the resolve.
                app.del("bull:emails:wait");
                Received resolve = pagerDuty.await(PATIENCE, "a resolve", r -> "resolve".equals(r.body().getString("event_action")));
                assertThat(resolve.body().getString("dedup_key")).isEqualTo(dedupKey);
                assertThat(resolve.body().getString("routing_key")).isEqualTo(ROUTING_KEY);
                Received resolved = slack.await(PATIENCE, "the resolve", r -> slackText(r).startsWith("[RESOLVED] QueueDepthHigh queue emails"));
                assertThat(slackText(resolved)).contains("Queue emails has 1200 jobs waiting (more than 1000)");
                assertThat(resolved.body().getJsonArray("attachments").getJsonObject(0).getString("color")).isEqualTo("good");
                assertThat(pagerDuty.received()).extracting(r -> r.body().getString("event_action"))
                        .as("one incident, opened once and closed once").containsExactly("trigger", "resolve");
            }
        }
    }
}
