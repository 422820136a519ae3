package dev.vigil.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The whole configuration, built once at start-up; the rest of the code sees only these records. */
public record VigilConfig(
        String origin,
        ServerConfig server,
        Map<String, RedisConfig> redis,
        List<BullmqConfig> bullmq,
        Map<String, PostgresConfig> postgres,
        CacheConfig cache,
        Optional<LlmConfig> llm,
        TracingConfig tracing) {
    public VigilConfig {
        redis = Map.copyOf(redis);
        bullmq = List.copyOf(bullmq);
        postgres = Collections.unmodifiableMap(new LinkedHashMap<>(postgres)); // in file order, for the status page
    }

    /** The share of the queues this replica reads; every bullmq entry has the same (ConfigLoader checks). */
    public ShardConfig shard() {
        return bullmq.isEmpty() ? ShardConfig.WHOLE : bullmq.get(0).shard();
    }

    /** A short human summary for {@code --check-config} and the start-up log line; no secrets. */
    public String summary() {
        StringBuilder out = new StringBuilder();
        out.append("config: ").append(origin).append('\n');
        out.append("listen: ").append(server.host()).append(':').append(server.port()).append('\n');
        server.web().ifPresent(w -> out.append(w.summary()));
        redis.values().stream().sorted(java.util.Comparator.comparing(RedisConfig::name)).forEach(r -> out
                .append("redis ").append(r.name()).append(": ").append(r.redactedUrl())
                .append(r.password().isPresent() ? " (password set)" : "").append('\n'));
        for (BullmqConfig b : bullmq) {
            out.append("source ").append(b.name()).append(": bullmq prefix '").append(b.prefix())
                    .append("' on redis ").append(b.redis())
                    .append(", every ").append(Durations.format(b.interval()))
                    .append(b.discovers() ? ", discovering queues" : ", queues " + b.queues())
                    .append(b.shard().sharded() ? ", shard " + b.shard() : "").append('\n');
        }
        if (shard().first()) {
            postgres.values().forEach(p -> out.append("source ").append(p.name()).append(": postgres ").append(p.redactedUrl())
                    .append(p.password().isPresent() ? " (password set)" : "").append(", every ").append(Durations.format(p.interval()))
                    .append(p.statements().isPresent() ? ", pg_stat_statements" : "")
                    .append(p.queries().isEmpty() ? "" : ", " + p.queries().size() + " custom queries").append('\n'));
            out.append(cache.summary());
            llm.ifPresent(l -> out.append(l.summary(server.loopbackOnly())));
        } else if (!postgres.isEmpty() || !cache.sourceNames().isEmpty() || llm.isPresent()) {
            out.append("shard ").append(shard()).append(": PostgreSQL, cache and LLM sources are left to shard 0\n");
        }
        if (tracing.enabled()) {
            out.append("tracing: OTLP ").append(tracing.protocol().orElse("(protocol from OTEL_*)")).append(" to ")
                    .append(tracing.endpoint().map(Redaction::redactUrl).orElse("(endpoint from OTEL_*)")).append(", sample ratio ")
                    .append(tracing.sampleRatio()).append('\n');
        }
        return out.toString();
    }
}
