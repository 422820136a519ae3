package dev.vigil.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.support.LedgerPostgres;
import dev.vigil.support.RedisExtension;
import dev.vigil.support.RunningExporter;
import dev.vigil.support.Scrape;
import io.lettuce.core.api.sync.RedisCommands;
import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Usage where applications really record it: LiteLLM's spend log and an application's own table in
 * PostgreSQL, counters in Redis. The exported totals must equal the sums computed in SQL and Redis, and
 * rows added later (late ones included) must be counted once.
 */
class LedgerSourcesIT {
    @RegisterExtension
    static final RedisExtension redis = RedisExtension.keptAcrossTests();
    private static LedgerPostgres pg;

    /** LiteLLM's table as its migrations create it (the columns Vigil reads, and enough of the rest). */
    private static final String SPEND_LOGS = """
            CREATE TABLE "LiteLLM_SpendLogs" (
                "request_id" TEXT NOT NULL PRIMARY KEY, "call_type" TEXT NOT NULL, "api_key" TEXT NOT NULL DEFAULT '',
                "spend" DOUBLE PRECISION NOT NULL DEFAULT 0.0, "total_tokens" INTEGER NOT NULL DEFAULT 0,
                "prompt_tokens" INTEGER NOT NULL DEFAULT 0, "completion_tokens" INTEGER NOT NULL DEFAULT 0,
                "startTime" TIMESTAMP(3) NOT NULL, "endTime" TIMESTAMP(3) NOT NULL, "completionStartTime" TIMESTAMP(3),
                "model" TEXT NOT NULL DEFAULT '', "model_id" TEXT DEFAULT '', "model_group" TEXT DEFAULT '',
                "custom_llm_provider" TEXT DEFAULT '', "api_base" TEXT DEFAULT '', "user" TEXT DEFAULT '',
                "metadata" JSONB DEFAULT '{}', "cache_hit" TEXT DEFAULT '', "cache_key" TEXT DEFAULT '',
                "request_tags" JSONB DEFAULT '[]', "team_id" TEXT, "end_user" TEXT, "session_id" TEXT, "status" TEXT)""";

    @BeforeAll
    static void startPostgres() {
        pg = LedgerPostgres.start();
        pg.execute(SPEND_LOGS, "CREATE INDEX ON \"LiteLLM_SpendLogs\" (\"startTime\")",
                "CREATE TABLE llm_calls (id BIGSERIAL PRIMARY KEY, created_at TIMESTAMPTZ NOT NULL, model TEXT NOT NULL,"
                        + " prompt INT NOT NULL, completion INT NOT NULL, cached INT NOT NULL, tenant TEXT)");
        addSpendLogs(1, 400, "minutes");
        addCalls(1, 300, 300, 30);
    }

    @AfterAll
    static void stopPostgres() {
        pg.close();
    }

    /** Rows i = from..to, i minutes (or seconds) before now, two models, a few failures and LiteLLM cache hits. */
    private static void addSpendLogs(int from, int to, String unit) {
        pg.execute("""
                INSERT INTO "LiteLLM_SpendLogs" ("request_id", "call_type", "spend", "prompt_tokens", "completion_tokens",
                    "startTime", "endTime", "model", "custom_llm_provider", "cache_hit", "status")
                SELECT 'req-' || i || '-%1$s', 'acompletion', round(((i %% 97 + 1) * 0.000013)::numeric, 6)::float8,
                       100 + i %% 900, 10 + i %% 300,
                       (now() AT TIME ZONE 'UTC') - i * interval '1 %1$s',
                       (now() AT TIME ZONE 'UTC') - i * interval '1 %1$s' + (i %% 7 + 1) * interval '100 milliseconds',
                       CASE WHEN i %% 3 = 0 THEN 'claude-sonnet-4-5-20250929' ELSE 'gpt-4o-2024-08-06' END,
                       CASE WHEN i %% 3 = 0 THEN 'anthropic' ELSE 'openai' END,
                       CASE WHEN i %% 50 = 0 THEN 'True' ELSE 'False' END,
                       CASE WHEN i %% 40 = 0 THEN 'failure' ELSE 'success' END
                FROM generate_series(%2$d, %3$d) AS i""".formatted(unit.equals("minutes") ? "minute" : "second", from, to));
    }

    /** Calls i = from..to, the one numbered {@code newest} stamped now and each other {@code step} seconds apart. */
    private static void addCalls(int from, int to, int newest, int step) {
        pg.execute("""
                INSERT INTO llm_calls (created_at, model, prompt, completion, cached, tenant)
                SELECT now() - (%d - i) * interval '%d seconds', 'gpt-4o-mini', 1000 + i, 50 + i %% 20, (i %% 4) * 200, 'tenant-' || (i %% 3)
                FROM generate_series(%d, %d) AS i""".formatted(newest, step, from, to));
    }

    private static String config() {
        return """
                redis:
                  main: { url: "%s" }
                llm:
                  labels: [tenant]
                  redis:
                    - redis: main
                      interval: 200ms
                      timeout: 5s
                  sql:
                    - preset: litellm
                      url: %s
                      user: postgres
                      interval: 200ms
                      timeout: 10s
                    - name: llm/sql/app
                      url: %2$s
                      user: postgres
                      interval: 200ms
                      timeout: 10s
                      query: >-
                        SELECT id::text AS id, created_at AS time, 'openai' AS provider, model,
                               prompt AS input_tokens, completion AS output_tokens, cached AS cached_input_tokens, tenant
                        FROM llm_calls
                """.formatted(redis.url(), pg.jdbcUrl());
    }

    private static void assertLiteLlmTotals(Scrape s) {
        Map<String, BigDecimal[]> sql = pg.sums("""
                SELECT custom_llm_provider || '/' || model, SUM(prompt_tokens), SUM(completion_tokens), SUM(spend::numeric),
                       COUNT(*) FILTER (WHERE status = 'success'), COUNT(*) FILTER (WHERE status = 'failure')
                FROM "LiteLLM_SpendLogs" WHERE cache_hit IS DISTINCT FROM 'True' GROUP BY 1""");
        assertThat(sql).hasSize(2);
        sql.forEach((key, sums) -> {
            String provider = key.substring(0, key.indexOf('/'));
            String model = key.substring(key.indexOf('/') + 1);
            String[] labels = {"provider", provider, "model", model, "tenant", ""};
            assertThat(s.require("llm_tokens_total", with(labels, "type", "input"))).as(key).isEqualTo(sums[0].doubleValue());
            assertThat(s.require("llm_tokens_total", with(labels, "type", "output"))).as(key).isEqualTo(sums[1].doubleValue());
            assertThat(BigDecimal.valueOf(s.require("llm_cost_usd_total", labels))).as(key).isEqualByComparingTo(sums[2]);
            assertThat(s.require("llm_requests_total", "provider", provider, "model", model, "status", "ok")).isEqualTo(sums[3].doubleValue());
            assertThat(s.require("llm_requests_total", "provider", provider, "model", model, "status", "error")).isEqualTo(sums[4].doubleValue());
            assertThat(s.require("llm_request_duration_seconds_count", "provider", provider, "model", model))
                    .isEqualTo(sums[3].add(sums[4]).doubleValue());
        });
    }

    private static void assertAppTableTotals(Scrape s) {
        // Priced by the table: gpt-4o-mini at $0.15 per million input, $0.075 cached, $0.60 output.
        Map<String, BigDecimal[]> sql = pg.sums("""
                SELECT tenant, SUM(prompt), SUM(completion), SUM(cached),
                       SUM((prompt - cached) * 0.15 + cached * 0.075 + completion * 0.60) / 1000000
                FROM llm_calls GROUP BY tenant""");
        assertThat(sql).hasSize(3);
        sql.forEach((tenant, sums) -> {
            String[] labels = {"provider", "openai", "model", "gpt-4o-mini", "tenant", tenant};
            assertThat(s.require("llm_tokens_total", with(labels, "type", "input"))).as(tenant).isEqualTo(sums[0].doubleValue());
            assertThat(s.require("llm_tokens_total", with(labels, "type", "output"))).as(tenant).isEqualTo(sums[1].doubleValue());
            assertThat(s.require("llm_tokens_total", with(labels, "type", "cached_input"))).as(tenant).isEqualTo(sums[2].doubleValue());
            assertThat(BigDecimal.valueOf(s.require("llm_cost_usd_total", labels))).as(tenant).isEqualByComparingTo(sums[3]);
        });
    }

    private static String[] with(String[] labels, String... more) {
        String[] all = java.util.Arrays.copyOf(labels, labels.length + more.length);
        System.arraycopy(more, 0, all, labels.length, more.length);
        return all;
    }

    @Test
    void sqlLedgersAndRedisCountersEqualTheirOwnSumsAndLaterRowsCountOnce() {
        RedisCommands<String, String> app = redis.app();
        app.hset("llm:usage:openai:gpt-4.1", Map.of("input_tokens", "81200", "output_tokens", "9100", "cached_input_tokens", "40000", "requests", "37"));
        app.hset("llm:usage:google:gemini-2.5-flash", Map.of("input_tokens", "5000", "output_tokens", "700", "requests", "4", "errors", "1"));
        app.set("llm:usage:openai:not-a-hash", "812");
        app.hset("llm:usage:openai:float-counter", "input_tokens", "812.5");
        try (RunningExporter vigil = RunningExporter.start(config())) {
            Scrape first = vigil.awaitScrape(java.time.Duration.ofSeconds(30), s -> s.value("llm_tokens_total", "provider", "openai",
                    "model", "gpt-4o-mini", "type", "input", "tenant", "tenant-0").isPresent()
                    && s.value("llm_requests_total", "provider", "openai", "model", "gpt-4o-2024-08-06", "status", "ok").isPresent()
                    && s.value("llm_tokens_total", "provider", "google", "model", "gemini-2.5-flash", "type", "input", "tenant", "").isPresent());
            assertLiteLlmTotals(first);
            assertAppTableTotals(first);
            assertThat(first.require("llm_tokens_total", "provider", "openai", "model", "gpt-4.1", "type", "input", "tenant", "")).isEqualTo(81200.0);
            assertThat(first.require("llm_tokens_total", "provider", "openai", "model", "gpt-4.1", "type", "cached_input", "tenant", "")).isEqualTo(40000.0);
            assertThat(first.require("llm_requests_total", "provider", "google", "model", "gemini-2.5-flash", "status", "error")).isEqualTo(1.0);
            // 41200 x 2.00 + 40000 x 0.50 + 9100 x 8.00 per million
            assertThat(BigDecimal.valueOf(first.require("llm_cost_usd_total", "provider", "openai", "model", "gpt-4.1", "tenant", "")))
                    .isEqualByComparingTo("0.1752");
            // Redis history has no time: it is counted, but not as today's spend. The SQL rows are recent, so they are.
            assertThat(first.require("llm_spend_usd", "period", "month")).isPositive();

            // Later: new rows, rows written late (stamped inside the overlap), counters growing, one counter reset.
            addSpendLogs(401, 460, "seconds");
            // Some stamped before the newest row already read (written late), inside the overlap; the rest after it.
            addCalls(301, 340, 340, 3);
            app.hincrby("llm:usage:openai:gpt-4.1", "input_tokens", 800);
            app.hincrby("llm:usage:openai:gpt-4.1", "requests", 1);
            app.del("llm:usage:google:gemini-2.5-flash");
            app.hincrby("llm:usage:google:gemini-2.5-flash", "input_tokens", 60);
            vigil.scrapeAfterNextPoll("llm/sql/litellm");
            vigil.scrapeAfterNextPoll("llm/sql/app");
            Scrape later = vigil.scrapeAfterNextPoll("llm/redis/main");
            assertLiteLlmTotals(later);
            assertAppTableTotals(later);
            assertThat(later.require("llm_tokens_total", "provider", "openai", "model", "gpt-4.1", "type", "input", "tenant", "")).isEqualTo(82000.0);
            assertThat(later.require("llm_requests_total", "provider", "openai", "model", "gpt-4.1", "status", "ok")).isEqualTo(38.0);
            assertThat(later.require("llm_tokens_total", "provider", "google", "model", "gemini-2.5-flash", "type", "input", "tenant", ""))
                    .isEqualTo(5060.0);
            assertThat(later.require("vigil_source_up", "source", "llm/sql/litellm")).isEqualTo(1.0);
            // Keys that are no usage hashes are skipped (and logged once); the source stays up.
            assertThat(later.require("vigil_source_up", "source", "llm/redis/main")).isEqualTo(1.0);
            assertThat(later.body()).doesNotContain("not-a-hash", "float-counter");
        }
    }
}
