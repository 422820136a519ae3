package dev.vigil.llm.push;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.support.RunningExporter;
import dev.vigil.support.Scrape;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PushApiIT {
    @TempDir
    Path dir;

    private static final String CONFIG = """
            llm:
              push:
                enabled: true
              budgets: { daily_usd: 200, monthly_usd: 5000, timezone: UTC }
            """;

    /** A counter or gauge as an exact decimal: the exporter prints the shortest form of the exact sum. */
    private static BigDecimal dollars(Scrape s, String name, String... labels) {
        return BigDecimal.valueOf(s.require(name, labels));
    }

    @Test
    void pushedCallsArePricedExactlyByExactDateSuffixAndPrefixMatch() {
        try (RunningExporter vigil = RunningExporter.start(CONFIG)) {
            PushClient push = new PushClient(vigil);
            HttpResponse<String> r = push.json("""
                    [
                      {"provider": "openai", "model": "gpt-4o-mini", "input_tokens": 1234, "cached_input_tokens": 1000,
                       "output_tokens": 567, "duration_ms": 840, "status": "ok", "operation": "chat", "tenant": "acme"},
                      {"provider": "openai", "model": "gpt-4o-2024-08-06", "input_tokens": 10000, "cached_input_tokens": 2000,
                       "output_tokens": 1000, "duration_ms": 2600},
                      {"provider": "openai", "model": "gpt-4o-2024-05-13", "input_tokens": 1000, "output_tokens": 100, "status": "error"},
                      {"provider": "openai", "model": "gpt-4o-mini-search-preview", "input_tokens": 100, "output_tokens": 10},
                      {"provider": "anthropic", "model": "claude-sonnet-4-5-20250929",
                       "usage": {"input_tokens": 100, "output_tokens": 50, "cache_read_input_tokens": 1000,
                                 "cache_creation_input_tokens": 200, "service_tier": "standard"}},
                      {"provider": "openai", "model": "gpt-4.1-mini-2025-04-14",
                       "usage": {"prompt_tokens": 2000, "completion_tokens": 300, "total_tokens": 2300,
                                 "prompt_tokens_details": {"cached_tokens": 1024, "audio_tokens": 0}}},
                      {"provider": "openai", "model": "ft:gpt-4o-mini:acme::x1", "input_tokens": 10, "output_tokens": 5, "cost_usd": 0.125},
                      {"provider": "acme", "model": "mystery-model", "input_tokens": 500, "output_tokens": 50, "status": "rate_limited"}
                    ]""");
            assertThat(r.statusCode()).isEqualTo(202);
            assertThat(r.body()).isEqualTo("{\"accepted\":8}");

            Scrape s = vigil.scrape();
            // exact model: 234 uncached x $0.15 + 1000 cached x $0.075 + 567 x $0.60 per million
            assertThat(dollars(s, "llm_cost_usd_total", "provider", "openai", "model", "gpt-4o-mini")).isEqualByComparingTo("0.0004503");
            // date suffix -> gpt-4o: 8000 x 2.50 + 2000 x 1.25 + 1000 x 10
            assertThat(dollars(s, "llm_cost_usd_total", "provider", "openai", "model", "gpt-4o-2024-08-06")).isEqualByComparingTo("0.0325");
            // an exact dated entry wins over the date rule: 1000 x 5 + 100 x 15
            assertThat(dollars(s, "llm_cost_usd_total", "provider", "openai", "model", "gpt-4o-2024-05-13")).isEqualByComparingTo("0.0065");
            // longest prefix -> gpt-4o-mini: 100 x 0.15 + 10 x 0.60
            assertThat(dollars(s, "llm_cost_usd_total", "provider", "openai", "model", "gpt-4o-mini-search-preview")).isEqualByComparingTo("0.000021");
            // Anthropic usage converted: 100 x 3 + 1000 read x 0.30 + 200 written x 3.75 + 50 x 15
            assertThat(dollars(s, "llm_cost_usd_total", "provider", "anthropic", "model", "claude-sonnet-4-5-20250929")).isEqualByComparingTo("0.0021");
            // OpenAI usage: 976 x 0.40 + 1024 cached x 0.10 + 300 x 1.60
            assertThat(dollars(s, "llm_cost_usd_total", "provider", "openai", "model", "gpt-4.1-mini-2025-04-14")).isEqualByComparingTo("0.0009728");
            assertThat(dollars(s, "llm_cost_usd_total", "provider", "openai", "model", "ft:gpt-4o-mini:acme::x1")).isEqualByComparingTo("0.125");
            assertThat(s.value("llm_cost_usd_total", "provider", "acme", "model", "mystery-model")).isEmpty();
            assertThat(s.require("llm_unpriced_tokens_total", "provider", "acme", "model", "mystery-model")).isEqualTo(550.0);

            assertThat(s.require("llm_tokens_total", "provider", "anthropic", "model", "claude-sonnet-4-5-20250929", "type", "input")).isEqualTo(1300.0);
            assertThat(s.require("llm_tokens_total", "provider", "anthropic", "model", "claude-sonnet-4-5-20250929", "type", "cached_input")).isEqualTo(1000.0);
            assertThat(s.require("llm_tokens_total", "provider", "anthropic", "model", "claude-sonnet-4-5-20250929", "type", "cache_write")).isEqualTo(200.0);
            assertThat(s.require("llm_tokens_total", "provider", "openai", "model", "gpt-4.1-mini-2025-04-14", "type", "cached_input")).isEqualTo(1024.0);
            assertThat(s.require("llm_tokens_total", "provider", "openai", "model", "gpt-4o-mini", "type", "output")).isEqualTo(567.0);

            assertThat(s.require("llm_requests_total", "provider", "openai", "model", "gpt-4o-mini", "status", "ok")).isEqualTo(1.0);
            assertThat(s.require("llm_requests_total", "provider", "openai", "model", "gpt-4o-2024-05-13", "status", "error")).isEqualTo(1.0);
            assertThat(s.require("llm_requests_total", "provider", "acme", "model", "mystery-model", "status", "rate_limited")).isEqualTo(1.0);
            assertThat(s.require("llm_request_duration_seconds_count", "provider", "openai", "model", "gpt-4o-2024-08-06")).isEqualTo(1.0);
            assertThat(s.require("llm_request_duration_seconds_sum", "provider", "openai", "model", "gpt-4o-2024-08-06")).isEqualTo(2.6);
            assertThat(s.require("llm_request_duration_seconds_bucket", "provider", "openai", "model", "gpt-4o-mini", "le", "1.0")).isEqualTo(1.0);

            // Everything was spent now, so today's and this month's spend are the exact sum of the above.
            assertThat(dollars(s, "llm_spend_usd", "period", "day")).isEqualByComparingTo("0.1675441");
            assertThat(dollars(s, "llm_spend_usd", "period", "month")).isEqualByComparingTo("0.1675441");
            assertThat(s.require("llm_budget_usd", "period", "day")).isEqualTo(200.0);
            assertThat(s.require("llm_budget_usd", "period", "month")).isEqualTo(5000.0);
        }
    }

    @Test
    void theLiteLlmPriceMapPricesCachedBatchAndLongContextCallsExactly() throws Exception {
        Path map = Path.of(PushApiIT.class.getResource("/prices/litellm-excerpt.json").toURI());
        try (RunningExporter vigil = RunningExporter.start("""
                llm:
                  push: { enabled: true }
                  prices_file: %s
                """.formatted(map))) {
            HttpResponse<String> r = new PushClient(vigil).json("""
                    [
                      {"provider": "openai", "model": "gpt-4o-mini",
                       "usage": {"prompt_tokens": 1000, "completion_tokens": 200, "prompt_tokens_details": {"cached_tokens": 400}}},
                      {"provider": "bedrock", "model": "meta.llama4-scout-17b-instruct-v1:0", "batch": true,
                       "usage": {"inputTokens": 10000, "outputTokens": 2000, "totalTokens": 12000}},
                      {"provider": "anthropic", "model": "claude-4-sonnet-20250514",
                       "usage": {"input_tokens": 150000, "output_tokens": 1000, "cache_read_input_tokens": 50000,
                                 "cache_creation_input_tokens": 20000}},
                      {"provider": "gcp.vertex_ai", "model": "gemini-2.5-pro",
                       "usage": {"promptTokenCount": 300000, "candidatesTokenCount": 1500, "thoughtsTokenCount": 500,
                                 "cachedContentTokenCount": 100000, "totalTokenCount": 302000}}
                    ]""");
            assertThat(r.statusCode()).isEqualTo(202);
            Scrape s = vigil.scrape();
            // cached at the cached rate only: 600 x 0.15 + 400 x 0.075 + 200 x 0.60 per million
            assertThat(dollars(s, "llm_cost_usd_total", "provider", "openai", "model", "gpt-4o-mini")).isEqualByComparingTo("0.00024");
            // batch prices: 10000 x 0.085 + 2000 x 0.33
            assertThat(dollars(s, "llm_cost_usd_total", "provider", "bedrock", "model", "meta.llama4-scout-17b-instruct-v1:0"))
                    .isEqualByComparingTo("0.00151");
            // 220,000 input tokens with the cache, above 200k: 150000 x 6 + 50000 x 0.6 + 20000 x 7.5 + 1000 x 22.5
            assertThat(dollars(s, "llm_cost_usd_total", "provider", "anthropic", "model", "claude-4-sonnet-20250514")).isEqualByComparingTo("1.1025");
            // 300,000 prompt tokens, 100,000 of them cached, thoughts billed as output:
            // 200000 x 2.5 + 100000 x 0.25 + 2000 x 15
            assertThat(dollars(s, "llm_cost_usd_total", "provider", "gcp.vertex_ai", "model", "gemini-2.5-pro")).isEqualByComparingTo("0.555");
            assertThat(s.require("llm_tokens_total", "provider", "gcp.vertex_ai", "model", "gemini-2.5-pro", "type", "output")).isEqualTo(2000.0);
            assertThat(dollars(s, "llm_spend_usd", "period", "day")).isEqualByComparingTo("1.65925");
        }
    }

    @Test
    void ndjsonAndAttributionLabelsWithTheirCap() {
        try (RunningExporter vigil = RunningExporter.start("""
                llm:
                  labels: [tenant, feature]
                  max_label_values: 2
                """)) {
            String lines = """
                    {"provider":"openai","model":"gpt-4o-mini","input_tokens":10,"output_tokens":1,"tenant":"a","feature":"search"}

                    {"provider":"openai","model":"gpt-4o-mini","input_tokens":20,"output_tokens":2,"tenant":"b","labels":{"feature":"chat"}}
                    {"provider":"openai","model":"gpt-4o-mini","input_tokens":40,"output_tokens":4,"tenant":"c","feature":"search"}
                    {"provider":"openai","model":"gpt-4o-mini","input_tokens":80,"output_tokens":8,"tenant":"d","feature":"search"}
                    """;
            HttpResponse<String> r = new PushClient(vigil).post(lines.getBytes(StandardCharsets.UTF_8), "Content-Type", "application/x-ndjson");
            assertThat(r.statusCode()).isEqualTo(202);
            assertThat(r.body()).isEqualTo("{\"accepted\":4}");
            Scrape s = vigil.scrape();
            assertThat(s.require("llm_tokens_total", "provider", "openai", "model", "gpt-4o-mini", "type", "input", "tenant", "a", "feature", "search")).isEqualTo(10.0);
            assertThat(s.require("llm_tokens_total", "provider", "openai", "model", "gpt-4o-mini", "type", "input", "tenant", "b", "feature", "chat")).isEqualTo(20.0);
            assertThat(s.require("llm_tokens_total", "provider", "openai", "model", "gpt-4o-mini", "type", "input", "tenant", "other", "feature", "search")).isEqualTo(120.0);
            assertThat(s.require("vigil_labels_overflow_total", "label", "tenant")).isEqualTo(2.0);
            assertThat(s.require("vigil_labels_overflow_total", "label", "feature")).isEqualTo(0.0);
            // 70 x 0.15 + 7 x 0.60 = 14.7 micro-dollars for c and d together
            assertThat(BigDecimal.valueOf(s.require("llm_cost_usd_total", "provider", "openai", "model", "gpt-4o-mini", "tenant", "other", "feature", "search")))
                    .isEqualByComparingTo("0.0000252");
        }
    }

    @Test
    void badRequestsGetTheRightStatusAndNothingIsCounted() throws Exception {
        Path token = dir.resolve("push-token");
        Files.writeString(token, "s3cret-push-token\n");
        try (RunningExporter vigil = RunningExporter.start("""
                llm:
                  push:
                    token_file: %s
                """.formatted(token))) {
            PushClient push = new PushClient(vigil);
            String good = "{\"provider\":\"openai\",\"model\":\"gpt-4o\",\"input_tokens\":5,\"output_tokens\":5}";
            byte[] body = good.getBytes(StandardCharsets.UTF_8);
            String auth = "Bearer s3cret-push-token";

            HttpResponse<String> none = push.post(body, "Content-Type", "application/json");
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(none.headers().firstValue("WWW-Authenticate")).contains("Bearer");
            assertThat(push.post(body, "Content-Type", "application/json", "Authorization", "Bearer wrong").statusCode()).isEqualTo(401);
            HttpResponse<String> type = push.post(body, "Content-Type", "text/plain", "Authorization", auth);
            assertThat(type.statusCode()).isEqualTo(415);
            HttpResponse<String> big = push.post(new byte[2 * 1024 * 1024], "Content-Type", "application/json", "Authorization", auth);
            assertThat(big.statusCode()).isEqualTo(413);
            HttpResponse<String> wrong = push.post(("[" + good + ",{\"provider\":\"openai\",\"model\":\"gpt-4o\",\"input_tokens\":\"5\"}]")
                    .getBytes(StandardCharsets.UTF_8), "Content-Type", "application/json", "Authorization", auth);
            assertThat(wrong.statusCode()).isEqualTo(400);
            assertThat(wrong.body()).isEqualTo("{\"error\":\"$[1].input_tokens: expected a whole number of tokens, got a string\"}");
            assertThat(vigil.get(PushClient.PATH).statusCode()).isEqualTo(405);
            assertThat(none.body() + type.body() + big.body() + wrong.body()).doesNotContain("s3cret");
            assertThat(vigil.scrape().hasFamily("llm_tokens_total")).isFalse();

            assertThat(push.post(body, "Content-Type", "application/json; charset=utf-8", "Authorization", auth).statusCode()).isEqualTo(202);
            assertThat(vigil.scrape().require("llm_tokens_total", "provider", "openai", "model", "gpt-4o", "type", "input")).isEqualTo(5.0);
        }
    }

    @Test
    void withoutATokenBeyondLoopbackEveryPushIsRefused() {
        try (RunningExporter vigil = RunningExporter.start("""
                server:
                  listen: 0.0.0.0:0
                llm:
                  push: { enabled: true }
                """)) {
            HttpResponse<String> r = new PushClient(vigil).json("{\"provider\":\"openai\",\"model\":\"gpt-4o\",\"input_tokens\":5}");
            assertThat(r.statusCode()).isEqualTo(403);
            assertThat(r.body()).contains("llm.push.token_file");
        }
    }

    @Test
    void namesThatAreNotUnicodeTextAreRefusedSoNoTwoNamesShareASeries() {
        try (RunningExporter vigil = RunningExporter.start(CONFIG)) {
            PushClient push = new PushClient(vigil);
            String event = "{\"provider\":\"openai\",\"model\":\"%s\",\"input_tokens\":%d,\"output_tokens\":1}";
            HttpResponse<String> high = push.json(event.formatted("\\ud800", 1));
            assertThat(high.statusCode()).isEqualTo(400);
            assertThat(high.body()).isEqualTo("{\"error\":\"$.model: holds a lone UTF-16 surrogate (\\\\ud800 at character 0), which is not Unicode text\"}");
            HttpResponse<String> low = push.json(event.formatted("gpt-\\udc00", 2));
            assertThat(low.statusCode()).isEqualTo(400);
            assertThat(low.body()).contains("lone UTF-16 surrogate (\\\\udc00 at character 4)");
            byte[] badUtf8 = event.formatted("gpt-\u00e9", 3).getBytes(StandardCharsets.UTF_8);
            badUtf8[event.indexOf("%s") + 4] = (byte) 0xff; // the first byte of the é, now not UTF-8
            HttpResponse<String> bytes = push.post(badUtf8, "Content-Type", "application/json");
            assertThat(bytes.statusCode()).isEqualTo(400);
            assertThat(bytes.body()).isEqualTo("{\"error\":\"$: the body is not valid UTF-8\"}");

            assertThat(push.json(event.formatted("?", 4)).statusCode()).isEqualTo(202);
            assertThat(push.json(event.formatted("\\ud83d\\ude00", 5)).statusCode()).isEqualTo(202); // a valid pair: one emoji
            Scrape s = vigil.scrape();
            assertThat(s.require("llm_tokens_total", "provider", "openai", "model", "?", "type", "input")).isEqualTo(4.0);
            assertThat(s.require("llm_tokens_total", "provider", "openai", "model", "\ud83d\ude00", "type", "input")).isEqualTo(5.0);
            assertThat(s.series().keySet().stream().filter(k -> k.startsWith("llm_tokens_total{") && k.contains("type=\"input\"")))
                    .hasSize(2);
        }
    }
}
