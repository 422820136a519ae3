package dev.vigil.llm.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.vigil.support.RunningExporter;
import dev.vigil.support.Scrape;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A local stand-in for OpenAI's and Anthropic's usage and cost endpoints, answering in their documented
 * shapes, two pages each, with a bucket revised between polls: the totals must be exact, revisions moving
 * the counters by the difference only.
 */
class ProviderApiIT {
    private static final Instant TODAY = Instant.now().truncatedTo(ChronoUnit.DAYS);
    private static final Instant YESTERDAY = TODAY.minus(Duration.ofDays(1));

    @TempDir
    Path dir;
    private HttpServer server;
    private volatile boolean revised;
    private final List<String> requests = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startStandIn() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/organization/", this::openAi);
        server.createContext("/v1/organizations/", this::anthropic);
        server.start();
    }

    @AfterEach
    void stopStandIn() {
        server.stop(0);
    }

    private void openAi(HttpExchange x) throws IOException {
        String query = x.getRequestURI().getRawQuery();
        requests.add(x.getRequestURI().getPath() + "?" + query);
        if (!"Bearer sk-admin-openai".equals(x.getRequestHeaders().getFirst("Authorization"))) {
            // As a real provider does: the key it was sent, echoed in the error.
            answer(x, 401, new JsonObject().put("error", new JsonObject().put("message",
                    "Incorrect API key provided: " + x.getRequestHeaders().getFirst("Authorization"))));
            return;
        }
        boolean second = query.contains("page=");
        JsonObject page = switch (x.getRequestURI().getPath()) {
            case "/v1/organization/usage/completions" -> second
                    ? openAiPage(null, bucket(YESTERDAY, completions("gpt-4o-2024-08-06", 20_000, 2_000, 0, 9)))
                    : openAiPage("page_AAAAAGdGxdEiJdKOAAAAAGcqsYA=", bucket(TODAY,
                            completions("gpt-4o-mini-2024-07-18", revised ? 1500 : 1000, 200, 400, revised ? 7 : 5)));
            case "/v1/organization/usage/embeddings" -> openAiPage(null, bucket(TODAY, new JsonObject()
                    .put("object", "organization.usage.embeddings.result").put("input_tokens", 5000).put("num_model_requests", 3)
                    .put("model", "text-embedding-3-small").putNull("project_id")));
            case "/v1/organization/costs" -> second
                    ? openAiPage(null, bucket(YESTERDAY, cost(1.5, "gpt-4o-2024-08-06, input")))
                    : openAiPage("c2", bucket(TODAY, cost(revised ? "0.0200" : "0.0123", "gpt-4o-mini-2024-07-18, input"),
                            cost(0.0456, "gpt-4o-mini-2024-07-18, output")));
            default -> null;
        };
        answer(x, page == null ? 404 : 200, page == null ? new JsonObject() : page);
    }

    private void anthropic(HttpExchange x) throws IOException {
        String query = x.getRequestURI().getRawQuery();
        requests.add(x.getRequestURI().getPath() + "?" + query);
        if (!"sk-ant-admin-test".equals(x.getRequestHeaders().getFirst("x-api-key"))
                || !"2023-06-01".equals(x.getRequestHeaders().getFirst("anthropic-version"))) {
            answer(x, 401, new JsonObject().put("type", "error"));
            return;
        }
        boolean second = query.contains("page=");
        JsonObject page = switch (x.getRequestURI().getPath()) {
            case "/v1/organizations/usage_report/messages" -> second
                    ? anthropicPage(null, YESTERDAY, messages("claude-haiku-4-5-20251001", 100, 0, 0, 0, 10))
                    : anthropicPage("page_MjAyNS0wNS0xNFQwMDowMDowMFo=", TODAY, messages("claude-sonnet-4-20250514", 1500, 500, 1000, 200, 500));
            case "/v1/organizations/cost_report" -> anthropicPage(null, TODAY,
                    anthropicCost(revised ? "130.00" : "123.45", "uncached_input_tokens"), anthropicCost("200.5", "output_tokens"));
            default -> null;
        };
        answer(x, page == null ? 404 : 200, page == null ? new JsonObject() : page);
    }

    private static JsonObject openAiPage(String next, JsonObject... buckets) {
        return new JsonObject().put("object", "page").put("data", new JsonArray(List.of((Object[]) buckets)))
                .put("has_more", next != null).put("next_page", next);
    }

    private static JsonObject bucket(Instant start, JsonObject... results) {
        return new JsonObject().put("object", "bucket").put("start_time", start.getEpochSecond())
                .put("end_time", start.plus(Duration.ofDays(1)).getEpochSecond()).put("results", new JsonArray(List.of((Object[]) results)));
    }

    private static JsonObject completions(String model, long input, long output, long cached, long requests) {
        return new JsonObject().put("object", "organization.usage.completions.result").put("input_tokens", input)
                .put("output_tokens", output).put("input_cached_tokens", cached).put("input_audio_tokens", 0).put("output_audio_tokens", 0)
                .put("num_model_requests", requests).putNull("project_id").putNull("user_id").putNull("api_key_id")
                .put("model", model).putNull("batch");
    }

    private static JsonObject cost(Object value, String lineItem) {
        return new JsonObject().put("object", "organization.costs.result")
                .put("amount", new JsonObject().put("value", value).put("currency", "usd")).put("line_item", lineItem).putNull("project_id");
    }

    private static JsonObject anthropicPage(String next, Instant start, JsonObject... results) {
        JsonObject bucket = new JsonObject().put("starting_at", start.toString()).put("ending_at", start.plus(Duration.ofDays(1)).toString())
                .put("results", new JsonArray(List.of((Object[]) results)));
        return new JsonObject().put("data", new JsonArray().add(bucket)).put("has_more", next != null).put("next_page", next);
    }

    private static JsonObject messages(String model, long uncached, long write5m, long write1h, long read, long output) {
        return new JsonObject().put("uncached_input_tokens", uncached)
                .put("cache_creation", new JsonObject().put("ephemeral_1h_input_tokens", write1h).put("ephemeral_5m_input_tokens", write5m))
                .put("cache_read_input_tokens", read).put("output_tokens", output)
                .put("server_tool_use", new JsonObject().put("web_search_requests", 0)).putNull("api_key_id").putNull("workspace_id")
                .put("model", model).put("service_tier", "standard").put("context_window", "0-200k");
    }

    private static JsonObject anthropicCost(String cents, String tokenType) {
        return new JsonObject().put("currency", "USD").put("amount", cents).putNull("workspace_id")
                .put("description", "Claude Sonnet 4 Usage - " + tokenType).put("cost_type", "tokens").put("context_window", "0-200k")
                .put("model", "claude-sonnet-4-20250514").put("service_tier", "standard").put("token_type", tokenType);
    }

    private static void answer(HttpExchange x, int status, JsonObject body) throws IOException {
        byte[] bytes = body.encode().getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", "application/json");
        x.sendResponseHeaders(status, bytes.length);
        x.getResponseBody().write(bytes);
        x.close();
    }

    private String config() throws IOException {
        Path openAiKey = Files.writeString(dir.resolve("openai"), "sk-admin-openai\n");
        Path anthropicKey = Files.writeString(dir.resolve("anthropic"), "sk-ant-admin-test\n");
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        return """
                llm:
                  openai:
                    admin_key_file: %s
                    base_url: %s
                    interval: 200ms
                    timeout: 5s
                  anthropic:
                    admin_key_file: %s
                    base_url: %s/
                    interval: 200ms
                    timeout: 5s
                """.formatted(openAiKey, base, anthropicKey, base);
    }

    @Test
    void usageAndCostReportsArePagedAndARevisedBucketMovesTheCountersByTheDifference() throws IOException {
        try (RunningExporter vigil = RunningExporter.start(config())) {
            Scrape first = vigil.awaitScrape(Duration.ofSeconds(20),
                    s -> s.value("llm_cost_usd_total", "provider", "openai", "model", "gpt-4o-2024-08-06").isPresent()
                            && s.value("llm_tokens_total", "provider", "anthropic", "model", "claude-haiku-4-5-20251001", "type", "output").isPresent());
            assertThat(first.require("llm_tokens_total", "provider", "openai", "model", "gpt-4o-mini-2024-07-18", "type", "input")).isEqualTo(1000.0);
            assertThat(first.require("llm_tokens_total", "provider", "openai", "model", "gpt-4o-2024-08-06", "type", "input")).isEqualTo(20_000.0);
            assertThat(first.require("llm_tokens_total", "provider", "openai", "model", "text-embedding-3-small", "type", "input")).isEqualTo(5000.0);
            assertThat(BigDecimal.valueOf(first.require("llm_cost_usd_total", "provider", "openai", "model", "gpt-4o-mini-2024-07-18")))
                    .isEqualByComparingTo("0.0579");
            assertThat(BigDecimal.valueOf(first.require("llm_cost_usd_total", "provider", "anthropic", "model", "claude-sonnet-4-20250514")))
                    .isEqualByComparingTo("3.2395");

            revised = true;
            vigil.scrapeAfterNextPoll("llm/openai");
            Scrape s = vigil.scrapeAfterNextPoll("llm/anthropic");
            assertThat(s.require("llm_tokens_total", "provider", "openai", "model", "gpt-4o-mini-2024-07-18", "type", "input")).isEqualTo(1500.0);
            assertThat(s.require("llm_tokens_total", "provider", "openai", "model", "gpt-4o-mini-2024-07-18", "type", "cached_input")).isEqualTo(400.0);
            assertThat(s.require("llm_tokens_total", "provider", "openai", "model", "gpt-4o-mini-2024-07-18", "type", "output")).isEqualTo(200.0);
            assertThat(s.require("llm_requests_total", "provider", "openai", "model", "gpt-4o-mini-2024-07-18", "status", "ok")).isEqualTo(7.0);
            assertThat(s.require("llm_requests_total", "provider", "openai", "model", "gpt-4o-2024-08-06", "status", "ok")).isEqualTo(9.0);
            assertThat(s.require("llm_tokens_total", "provider", "openai", "model", "gpt-4o-2024-08-06", "type", "input")).isEqualTo(20_000.0);
            // Costs come from the bill: the revised input line (0.0123 -> 0.0200) plus the output line, never twice.
            assertThat(BigDecimal.valueOf(s.require("llm_cost_usd_total", "provider", "openai", "model", "gpt-4o-mini-2024-07-18")))
                    .isEqualByComparingTo("0.0656");
            assertThat(BigDecimal.valueOf(s.require("llm_cost_usd_total", "provider", "openai", "model", "gpt-4o-2024-08-06")))
                    .isEqualByComparingTo("1.5");
            // Anthropic splits input three ways, added up here: 1500 uncached + 1500 written (5m and 1h) + 200 read.
            String[] sonnet = {"provider", "anthropic", "model", "claude-sonnet-4-20250514"};
            assertThat(s.require("llm_tokens_total", with(sonnet, "type", "input"))).isEqualTo(3200.0);
            assertThat(s.require("llm_tokens_total", with(sonnet, "type", "cache_write"))).isEqualTo(1500.0);
            assertThat(s.require("llm_tokens_total", with(sonnet, "type", "cached_input"))).isEqualTo(200.0);
            assertThat(s.require("llm_tokens_total", with(sonnet, "type", "output"))).isEqualTo(500.0);
            // Amounts in cents: "130.00" + "200.5" is $3.305.
            assertThat(BigDecimal.valueOf(s.require("llm_cost_usd_total", sonnet))).isEqualByComparingTo("3.305");

            BigDecimal today = new BigDecimal("0.0656").add(new BigDecimal("3.305"));
            boolean sameMonth = YESTERDAY.atOffset(ZoneOffset.UTC).getMonth() == TODAY.atOffset(ZoneOffset.UTC).getMonth();
            assertThat(BigDecimal.valueOf(s.require("llm_spend_usd", "period", "day"))).isEqualByComparingTo(today);
            assertThat(BigDecimal.valueOf(s.require("llm_spend_usd", "period", "month")))
                    .isEqualByComparingTo(sameMonth ? today.add(new BigDecimal("1.5")) : today);

            assertThat(requests).anyMatch(r -> r.startsWith("/v1/organization/usage/completions?start_time=") && r.contains("&page=page_"));
            assertThat(requests).anyMatch(r -> r.startsWith("/v1/organizations/usage_report/messages?starting_at=")
                    && r.contains("group_by%5B%5D=model") && r.contains("&page=page_"));
            assertThat(s.require("vigil_source_up", "source", "llm/openai")).isEqualTo(1.0);
        }
    }

    @Test
    void aWrongAdminKeyIsAnAuthFailure() throws IOException {
        Path wrong = Files.writeString(dir.resolve("wrong"), "sk-nope");
        String yaml = config().replaceFirst("admin_key_file: \\S+", "admin_key_file: " + wrong);
        try (RunningExporter vigil = RunningExporter.start(yaml)) {
            Scrape s = vigil.awaitScrape(Duration.ofSeconds(20),
                    x -> x.value("vigil_source_poll_errors_total", "source", "llm/openai", "reason", "auth").orElse(0.0) >= 1);
            assertThat(s.require("vigil_source_up", "source", "llm/openai")).isEqualTo(0.0);
            assertThat(s.body()).doesNotContain("sk-nope");
            assertThat(vigil.get("/").body()).doesNotContain("sk-nope").contains("check the admin key");
        }
    }

    private static String[] with(String[] labels, String... more) {
        String[] all = java.util.Arrays.copyOf(labels, labels.length + more.length);
        System.arraycopy(more, 0, all, labels.length, more.length);
        return all;
    }
}
