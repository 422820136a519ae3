package dev.vigil.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.support.PrometheusServer;
import dev.vigil.support.RunningExporter;
import dev.vigil.support.SdkSender;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The LLM spend dashboard fills from OpenTelemetry GenAI spans alone: Vigil's only LLM source is OTLP, the
 * applications are instrumented with the OpenTelemetry SDK, and every panel's query returns numbers in a real
 * Prometheus with Vigil's rules.
 */
class LlmDashboardFromOtlpIT {
    /** Its numbers come from the application's cache source (llm_cache_saved_usd_total), not from LLM calls. */
    private static final Set<String> NOT_FROM_CALLS = Set.of("LLM spend saved by caches, per hour");
    private static final String CONFIG = """
            llm:
              budgets: { daily_usd: 1, monthly_usd: 30 }
              labels: [tenant, feature]
              otlp:
                labels:
                  tenant: {attribute: app.tenant_id}
                  feature: {attribute: app.feature}
            """;

    @Test
    void everyPanelOfTheLlmDashboardFillsFromOtlpSpans() throws Exception {
        PrometheusServer.requireInstalled();
        Dashboard llm = Dashboard.all().stream().filter(d -> d.title().contains("LLM")).findFirst().orElseThrow();
        ScheduledExecutorService calls = Executors.newSingleThreadScheduledExecutor();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Set<String> traces = java.util.concurrent.ConcurrentHashMap.newKeySet();
        try (RunningExporter vigil = RunningExporter.start(CONFIG);
             SdkSender acme = new SdkSender(vigil.baseUrl(), "protobuf", SdkSender.resource("chat-api", "pod-1", Map.of("app.tenant_id", "acme")), true);
             SdkSender globex = new SdkSender(vigil.baseUrl(), "json", SdkSender.resource("search-api", "pod-2", Map.of("app.tenant_id", "globex")), true);
             PrometheusServer prometheus = PrometheusServer.start(PrometheusServer.Setup.scraping(URI.create(vigil.baseUrl()).getAuthority())
                     .withRules(KnownMetrics.ruleFiles()).withExemplarStorage())) {
            // The calls stop before the senders and Vigil close (the resources above): a call that ran after a
            // sender was shut down failed its export and, on a slow machine, the test with it.
            try {
                calls.scheduleWithFixedDelay(() -> {
                    try {
                        traces.add(acme.span("chat gpt-4o-mini", false, "gen_ai.provider.name", "openai", "gen_ai.request.model", "gpt-4o-mini",
                                "gen_ai.usage.input_tokens", 1200L, "gen_ai.usage.output_tokens", 150L, "gen_ai.usage.cache_read.input_tokens", 400L,
                                "app.feature", "chat"));
                        traces.add(acme.span("chat gpt-4o-mini", true, "gen_ai.provider.name", "openai", "gen_ai.request.model", "gpt-4o-mini",
                                "gen_ai.usage.input_tokens", 900L, "gen_ai.usage.output_tokens", 0L, "error.type", "429", "app.feature", "chat"));
                        traces.add(acme.span("summarize", false, "gen_ai.system", "internal", "gen_ai.request.model", "in-house-summarizer",
                                "gen_ai.usage.input_tokens", 800L, "gen_ai.usage.output_tokens", 90L, "app.feature", "summaries"));
                        traces.add(globex.span("chat claude-sonnet-4-5", false, "gen_ai.provider.name", "anthropic",
                                "gen_ai.request.model", "claude-sonnet-4-5", "gen_ai.usage.input_tokens", 5000L, "gen_ai.usage.output_tokens", 700L,
                                "gen_ai.usage.cache_read.input_tokens", 3000L, "gen_ai.usage.cache_creation.input_tokens", 1000L, "app.feature", "search"));
                        acme.flushSpans();
                        globex.flushSpans();
                    } catch (Throwable t) {
                        failure.compareAndSet(null, t);
                    }
                }, 0, 500, TimeUnit.MILLISECONDS);
                prometheus.awaitQuery("llm_requests_total", Duration.ofSeconds(60), r -> r.size() == 4);

                Map<String, List<String>> expected = new LinkedHashMap<>();
                expected.put("job", List.of("vigil"));
                expected.put("instance", List.of(URI.create(vigil.baseUrl()).getAuthority()));
                expected.put("provider", List.of("anthropic", "internal", "openai"));
                expected.put("model", List.of("claude-sonnet-4-5", "in-house-summarizer", "gpt-4o-mini"));
                List<String> checked = new ArrayList<>();
                List<String> failed = DashboardsLiveIT.checkPanels(List.of(llm), NOT_FROM_CALLS, prometheus, expected, checked);
                checked.forEach(System.out::println);
                assertThat(failed).as("LLM panel queries without a series with a value").isEmpty();
                assertThat(checked).hasSizeGreaterThan(20);

                // The cost series' exemplars are the applications' own calls.
                Set<String> exemplarTraces = new TreeSet<>();
                for (Object series : prometheus.exemplars("llm_cost_usd_total", Duration.ofMinutes(10))) {
                    for (Object e : ((JsonObject) series).getJsonArray("exemplars", new JsonArray())) {
                        exemplarTraces.add(((JsonObject) e).getJsonObject("labels").getString("trace_id"));
                    }
                }
                assertThat(exemplarTraces).isNotEmpty();
                assertThat(traces).containsAll(exemplarTraces);
            } finally {
                calls.shutdown();
                calls.awaitTermination(20, TimeUnit.SECONDS);
            }
        }
        assertThat(failure.get()).as("the applications' exports").isNull();
    }
}
