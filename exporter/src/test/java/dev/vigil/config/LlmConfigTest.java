package dev.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.support.ConfigFile;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LlmConfigTest {
    @TempDir
    Path dir;

    private VigilConfig load(String yaml) throws ConfigException {
        return ConfigFile.vigil(dir).load(yaml);
    }

    private ConfigException error(String yaml) {
        return ConfigFile.vigil(dir).error(yaml);
    }

    @Test
    void theIssuesExampleIsAcceptedAsWritten() throws Exception {
        Path token = Files.writeString(dir.resolve("vigil-push"), "push-token-123\n");
        Path prices = Files.writeString(dir.resolve("prices.yml"), """
                models:
                  gpt-4o-mini: { provider: openai, input: 0.15, output: 0.60, cached_input: 0.075 }
                """);
        VigilConfig c = load("""
                llm:
                  push:
                    enabled: true
                    token_file: %s   # not needed when listening on loopback only
                  prices_file: %s      # overrides and extends the built-in table
                  budgets: { daily_usd: 200, monthly_usd: 5000, timezone: UTC }
                """.formatted(token, prices));
        LlmConfig llm = c.llm().orElseThrow();
        assertThat(llm.push().enabled()).isTrue();
        assertThat(llm.push().token().orElseThrow().value()).isEqualTo("push-token-123");
        assertThat(llm.prices().orElseThrow().models()).singleElement().satisfies(p -> {
            assertThat(p.model()).isEqualTo("gpt-4o-mini");
            assertThat(p.cachedInput()).contains(new BigDecimal("0.075"));
        });
        assertThat(llm.budgets().dailyUsd()).hasValueSatisfying(d -> assertThat(d).isEqualByComparingTo("200"));
        assertThat(llm.budgets().monthlyUsd()).hasValueSatisfying(m -> assertThat(m).isEqualByComparingTo("5000"));
        assertThat(llm.budgets().timezone()).isEqualTo(ZoneId.of("UTC"));
        assertThat(c.summary()).contains("llm: push on /api/v1/llm/usage, bearer token set", "daily budget $200", "monthly budget $5000")
                .doesNotContain("push-token-123");
    }

    @Test
    void everyKeyIsOptional() throws Exception {
        LlmConfig llm = load("llm: {}\n").llm().orElseThrow();
        assertThat(llm.push()).isEqualTo(new LlmConfig.Push(true, Optional.empty()));
        assertThat(llm.prices()).isEmpty();
        assertThat(llm.budgets()).isEqualTo(LlmConfig.Budgets.NONE);
        assertThat(llm.maxLabelValues()).isEqualTo(100);
        assertThat(load("server: { listen: 0.0.0.0:9740 }\nllm: {}\n").summary())
                .contains("no token: refused until llm.push.token_file is set");
        assertThat(load("redis: { main: { url: redis://127.0.0.1:6379 } }\n").llm()).isEmpty();
    }

    @Test
    void sourcesWithTheirDefaults() throws Exception {
        Path key = Files.writeString(dir.resolve("key"), "sk-admin");
        VigilConfig c = load("""
                redis:
                  main: { url: redis://127.0.0.1:6379 }
                llm:
                  labels: [tenant, feature]
                  redis:
                    - key_pattern: "app:{tenant}:llm:{provider}:{model}"
                      fields: { input_tokens: in, output_tokens: out }
                  sql:
                    - preset: litellm
                      url: jdbc:postgresql://db:5432/litellm
                      user: vigil
                  openai: { admin_key_file: %s }
                  anthropic: { admin_key_file: %s, costs: false, interval: 10m }
                """.formatted(key, key));
        LlmConfig llm = c.llm().orElseThrow();
        LlmRedisConfig r = llm.redis().get(0);
        assertThat(r.name()).isEqualTo("llm/redis/main");
        assertThat(r.fields()).containsEntry("input_tokens", "in").containsEntry("cached_input_tokens", "cached_input_tokens");
        assertThat(r.interval()).isEqualTo(Duration.ofSeconds(15));
        LlmSqlConfig s = llm.sql().get(0);
        assertThat(s.name()).isEqualTo("llm/sql/litellm");
        assertThat(s.query()).contains("\"LiteLLM_SpendLogs\"");
        assertThat(s.overlap()).isEqualTo(Duration.ofMinutes(10));
        assertThat(llm.apis()).extracting(LlmApiConfig::name).containsExactly("llm/openai", "llm/anthropic");
        assertThat(llm.apis().get(0).baseUrl().toString()).isEqualTo("https://api.openai.com");
        assertThat(llm.apis().get(1).costs()).isFalse();
        assertThat(c.summary()).contains("source llm/openai: openai usage and cost reports").doesNotContain("sk-admin");
    }

    @Test
    void errorsNameTheFileLineAndKey() throws IOException {
        assertThat(error("llm:\n  budgets: { daily_usd: lots }\n").describe())
                .endsWith(":2: llm.budgets.daily_usd: expected an amount in US dollars such as 0.15, got 'lots'");
        assertThat(error("llm:\n  budgets:\n    timezone: Mars/Olympus\n").describe())
                .endsWith(":3: llm.budgets.timezone: unknown time zone 'Mars/Olympus'; write it like UTC or Europe/Berlin");
        assertThat(error("llm:\n  push:\n    enable: true\n").describe()).endsWith(":3: llm.push.enable: unknown key; did you mean 'enabled'?");
        assertThat(error("llm:\n  labels: [model]\n").describe()).contains("llm.labels: 'model' cannot be an attribution label");
        assertThat(error("llm:\n  prices_file: /nonexistent/prices.yml\n").describe()).isEqualTo("/nonexistent/prices.yml: no such file");
        assertThat(error("llm:\n  sql:\n    - url: jdbc:postgresql://db/x\n").describe()).contains("give either preset: litellm or query:");
        assertThat(error("llm:\n  openai: { base_url: http://x }\n").describe()).contains("llm.openai.admin_key: is required");
        assertThat(error("redis: { main: { url: redis://h:1 } }\nllm:\n  redis:\n    - key_pattern: \"llm:{model}\"\n").describe())
                .contains("must contain {provider} and {model}");
    }

    @Test
    void otlpIsOffUnlessItsSectionIsThereAndItsLabelsMustBeAttributionLabels() throws Exception {
        assertThat(load("llm: {}\n").llm().orElseThrow().otlp()).isEqualTo(LlmOtlpConfig.OFF);
        VigilConfig c = load("llm:\n  labels: [tenant]\n  otlp:\n    labels:\n      tenant: {attribute: app.tenant_id}\n    token_metrics: only\n");
        assertThat(c.llm().orElseThrow().otlp()).isEqualTo(new LlmOtlpConfig(true, Map.of("tenant", "app.tenant_id"), LlmOtlpConfig.TokenMetrics.ONLY));
        assertThat(c.summary()).contains("llm: OTLP on /v1/traces and /v1/metrics, token metrics only, labels from attributes {tenant=app.tenant_id}");
        assertThat(error("llm:\n  otlp:\n    labels:\n      team: {attribute: app.team}\n").describe())
                .endsWith(":4: llm.otlp.labels.team: is not an attribution label; list team under llm.labels first");
        assertThat(error("llm:\n  labels: [team]\n  otlp:\n    labels:\n      team: {atribute: app.team}\n").describe())
                .endsWith(":5: llm.otlp.labels.team.atribute: unknown key; did you mean 'attribute'?");
        assertThat(error("llm:\n  otlp:\n    token_metrics: both\n").describe())
                .endsWith(":3: llm.otlp.token_metrics: expected unless_spans, ignore or only, got 'both'");
    }

    @Test
    void aBrokenPricesFileIsAConfigErrorWithItsLine() throws IOException {
        Path prices = Files.writeString(dir.resolve("prices.yml"), "models:\n  gpt-x: { provider: openai, input: -1, output: 2 }\n");
        assertThat(error("llm:\n  prices_file: " + prices + "\n").describe())
                .isEqualTo(prices + ":2: models.gpt-x.input: must be between 0 and 100000, got -1");
    }
}
