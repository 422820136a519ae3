package dev.vigil.dashboards;

import dev.vigil.support.RunningExporter;
import dev.vigil.support.TestPostgres;
import dev.vigil.support.TestRedis;
import io.lettuce.core.api.sync.RedisCommands;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the application behind Vigil does, for the dashboards to show: an application cache counted in a Redis
 * hash, keys read and written, rows written and rolled back in PostgreSQL, LLM calls pushed to Vigil.
 */
final class LiveApplication implements AutoCloseable {
    static final List<String> PROVIDERS = List.of("anthropic", "internal", "openai");
    static final List<String> MODELS = List.of("claude-sonnet-4-5", "in-house-summarizer", "gpt-4o-mini");
    static final String CACHE_HASH = "cache:stats:semantic";
    static final int DAILY_BUDGET_USD = 100;
    /** A custom query on the application's orders; its family, {@code shop_orders}, is the user's own name. */
    static final String CUSTOM_QUERY = "shop";
    /** The application's own trace of an LLM call, sent with the push. */
    static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

    private final RedisCommands<String, String> commands;
    private final TestPostgres primary;
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private LiveApplication(TestRedis redis, TestPostgres primary) {
        this.commands = redis.sync();
        this.primary = primary;
    }

    /** Redis with a maxmemory, the cache's hash, a key with a TTL; the app database with pg_stat_statements. */
    static LiveApplication start(TestRedis redis, TestPostgres primary) {
        LiveApplication app = new LiveApplication(redis, primary);
        app.commands.configSet("maxmemory", "268435456");
        app.commands.hset(CACHE_HASH, java.util.Map.of("hits", "10", "misses", "5", "evictions", "0", "size", "100", "saved_usd", "0.10"));
        app.commands.set("app:greeting", "hello");
        app.commands.setex("app:session:42", 3600, "alice");
        primary.execute("CREATE DATABASE app");
        primary.executeIn("app", "CREATE EXTENSION pg_stat_statements",
                "CREATE TABLE orders (id bigserial PRIMARY KEY, total numeric NOT NULL)",
                "GRANT SELECT ON orders TO " + TestPostgres.MONITOR_ROLE, // the custom query's, as docs/configuration.md grants it
                "SELECT pg_stat_reset()"); // pg_stat_database_stats_reset_timestamp_seconds is there only after a reset
        return app;
    }

    /** Vigil's configuration: every source polled twice a second, every trace kept (for the exemplars), budgets, attribution, a custom query. */
    static String vigilConfig(TestRedis redis, TestPostgres primary, TestPostgres replica, String otlpEndpoint) {
        return """
                tracing:
                  endpoint: %s
                  sample_ratio: 1
                  job_traces: { enabled: true, sample_ratio: 1 }
                redis:
                  main:
                    url: %s
                bullmq:
                  - redis: main
                    interval: 500ms
                    discovery_interval: 500ms
                postgres:
                %s    pg_stat_statements: { enabled: true }
                    queries: [{ name: %s, sql: "SELECT count(*) AS orders FROM orders", columns: { orders: gauge } }]
                %scache:
                  interval: 500ms
                  redis_info: [main]
                  app:
                    - name: semantic
                      redis: main
                      hash: %s
                llm:
                  budgets: { daily_usd: %d, monthly_usd: 3000 }
                  labels: [tenant, feature]
                  otlp: {enabled: true}
                """.formatted(otlpEndpoint, redis.url(), primary.sourceYaml("primary", "app"), CUSTOM_QUERY, replica.sourceYaml("replica", "postgres"),
                CACHE_HASH, DAILY_BUDGET_USD);
    }

    /** Calls of each provider and model, ended each way, attributed, timed, one with a sampled trace; one model has no price. */
    void pushUsage(RunningExporter vigil) {
        push(vigil, """
                [{"provider":"openai","model":"gpt-4o-mini","input_tokens":1200,"cached_input_tokens":400,"output_tokens":150,
                  "duration_ms":850,"status":"ok","tenant":"acme","feature":"chat"},
                 {"provider":"openai","model":"gpt-4o-mini","input_tokens":900,"output_tokens":0,"duration_ms":120,
                  "status":"rate_limited","tenant":"acme","feature":"chat"},
                 {"provider":"openai","model":"gpt-4o-mini","input_tokens":300,"output_tokens":0,"duration_ms":2400,
                  "status":"error","tenant":"globex","feature":"search"},
                 {"provider":"anthropic","model":"claude-sonnet-4-5","input_tokens":5000,"cached_input_tokens":3000,
                  "cache_write_tokens":1000,"output_tokens":700,"duration_ms":6200,"tenant":"globex","feature":"search"},
                 {"provider":"internal","model":"in-house-summarizer","input_tokens":800,"output_tokens":90,"duration_ms":300,
                  "tenant":"acme","feature":"summaries"}]""",
                "traceparent", "00-" + TRACE_ID + "-00f067aa0ba902b7-01");
    }

    /** One expensive call: the day's spend goes past the daily budget (the budget alert fires, as it should). */
    void exceedDailyBudget(RunningExporter vigil) {
        push(vigil, """
                {"provider":"anthropic","model":"claude-sonnet-4-5","input_tokens":200000,"output_tokens":8000,"duration_ms":41000,
                 "cost_usd":%d,"tenant":"initech","feature":"batch-report"}""".formatted(DAILY_BUDGET_USD + 20));
    }

    /** Every second, until closed: an LLM call, cache lookups and savings, key reads, an order and a rolled-back one. */
    void keepWorking(RunningExporter vigil) {
        Connection db = primary.connect("app");
        worker.scheduleWithFixedDelay(() -> {
            try {
                push(vigil, """
                        {"provider":"openai","model":"gpt-4o-mini","input_tokens":600,"output_tokens":80,"duration_ms":700,
                         "tenant":"acme","feature":"chat"}""");
                commands.hincrby(CACHE_HASH, "hits", 9);
                commands.hincrby(CACHE_HASH, "misses", 1);
                commands.hincrby(CACHE_HASH, "evictions", 1);
                commands.hincrbyfloat(CACHE_HASH, "saved_usd", 0.05);
                commands.get("app:greeting");
                commands.get("app:missing");
                order(db);
            } catch (RuntimeException | SQLException e) {
                failure.compareAndSet(null, e);
            }
        }, 0, 1, TimeUnit.SECONDS);
    }

    /** An order committed, one rolled back, and a sort too big for work_mem (a temporary file). */
    private static void order(Connection db) throws SQLException {
        try (Statement s = db.createStatement()) {
            s.execute("INSERT INTO orders (total) VALUES (42.50)");
            db.setAutoCommit(false);
            s.execute("INSERT INTO orders (total) VALUES (-1)");
            db.rollback();
            db.setAutoCommit(true);
            s.execute("SET work_mem = '64kB'");
            s.execute("SELECT count(*) FROM (SELECT g FROM generate_series(1, 20000) g ORDER BY g DESC) sorted");
        }
    }

    /** The databases of the primary, as pg_stat_database lists them. */
    List<String> databases() {
        List<String> out = new ArrayList<>();
        try (Connection c = primary.connect("postgres"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT datname FROM pg_stat_database WHERE datid <> 0 ORDER BY 1")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    private static void push(RunningExporter vigil, String json, String... headers) {
        List<String> all = new ArrayList<>(List.of("Content-Type", "application/json"));
        all.addAll(List.of(headers));
        HttpResponse<String> r = vigil.post("/api/v1/llm/usage", json.getBytes(StandardCharsets.UTF_8), all.toArray(String[]::new));
        if (r.statusCode() != 202) {
            throw new AssertionError("push answered " + r.statusCode() + ": " + r.body());
        }
    }

    /** Stops the work while Vigil still answers (closing Vigil first would fail a push in flight); fails if any step failed. */
    void stopWorking() throws InterruptedException {
        worker.shutdown(); // not shutdownNow: an interrupted push would count as a failure
        worker.awaitTermination(10, TimeUnit.SECONDS);
        if (failure.get() != null) {
            throw new AssertionError("the application's work failed", failure.get());
        }
    }

    @Override
    public void close() throws InterruptedException {
        stopWorking();
    }
}
