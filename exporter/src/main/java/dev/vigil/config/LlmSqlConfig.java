package dev.vigil.config;

import java.time.Duration;
import java.util.Optional;

/**
 * A table of LLM calls read incrementally by a time watermark: LiteLLM's spend log ({@code preset: litellm})
 * or any query returning the columns the README lists.
 *
 * @param overlap        how far behind the newest time read each poll looks again, for rows written late
 * @param maxRowsPerPoll new rows read per poll; the rest are read at the next poll
 */
public record LlmSqlConfig(String name, String url, Optional<String> user, Optional<Secret> password,
                           Optional<String> preset, String query, Duration interval, Duration timeout,
                           Duration overlap, int maxRowsPerPoll) implements LlmSourceName {
    public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(1);
    public static final Duration MAX_DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** LiteLLM writes a call's row when it ends, timed by its start: long streams arrive minutes late. */
    public static final Duration DEFAULT_OVERLAP = Duration.ofMinutes(10);
    public static final int DEFAULT_MAX_ROWS = 100_000;

    /**
     * LiteLLM's spend log. {@code spend} is LiteLLM's own price; a 0 (a model LiteLLM could not price) falls
     * back to Vigil's table. Cache hits served by LiteLLM itself cost nothing at the provider and are left out.
     */
    static final String LITELLM = """
            SELECT "request_id" AS id, "startTime" AS time, COALESCE(NULLIF("custom_llm_provider", ''), 'unknown') AS provider,
                   "model" AS model, "prompt_tokens" AS input_tokens, "completion_tokens" AS output_tokens,
                   NULLIF("spend", 0)::numeric AS cost_usd, "status" AS status,
                   (EXTRACT(EPOCH FROM ("endTime" - "startTime")) * 1000)::bigint AS duration_ms
            FROM "LiteLLM_SpendLogs"
            WHERE "cache_hit" IS DISTINCT FROM 'True'""";

    static LlmSqlConfig read(YamlSection section) throws ConfigException {
        String url = section.requiredString("url").trim();
        if (!url.startsWith("jdbc:postgresql:")) {
            throw section.error("url", "expected a jdbc:postgresql://host:port/database URL, got '" + Redaction.redactUrl(url) + "'");
        }
        Optional<String> user = section.string("user");
        Optional<Secret> password = section.secret("password");
        Optional<String> preset = section.string("preset");
        Optional<String> query = section.string("query");
        if (preset.isPresent() == query.isPresent()) {
            throw section.error(preset.isPresent() ? "query" : "preset", "give either preset: litellm or query:, not both or neither");
        }
        if (preset.isPresent() && !preset.get().equals("litellm")) {
            throw section.error("preset", "unknown preset '" + preset.get() + "'; the one preset is litellm");
        }
        Duration interval = section.duration("interval", DEFAULT_INTERVAL);
        Duration timeout = section.duration("timeout", interval.compareTo(MAX_DEFAULT_TIMEOUT) < 0 ? interval : MAX_DEFAULT_TIMEOUT);
        Duration overlap = section.duration("overlap", DEFAULT_OVERLAP);
        int maxRows = section.integer("max_rows_per_poll", DEFAULT_MAX_ROWS, 1, 10_000_000);
        String name = section.string("name", "llm/sql/" + preset.orElse("query"));
        section.finish();
        return new LlmSqlConfig(name, url, user, password, preset, query.orElse(LITELLM), interval, timeout, overlap, maxRows);
    }

    String summary() {
        return "source " + name + ": llm " + preset.map(p -> p + " spend log").orElse("ledger query") + " at "
                + Redaction.redactUrl(url) + (password.isPresent() ? " (password set)" : "") + ", every " + Durations.format(interval);
    }
}
