package dev.vigil.cache;

import dev.vigil.config.CacheConfig;
import dev.vigil.poll.FamilyBuilder;
import dev.vigil.poll.PollResult;
import dev.vigil.redis.Pipeline;
import dev.vigil.redis.RedisEndpoint;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.logging.Logger;

/**
 * One Redis server's own numbers from {@code INFO}, under the names, types and meanings redis_exporter gives
 * them (its exporter.go metric maps), so its users' dashboards and alerts keep working. Each series carries a
 * {@code redis} label naming the configured connection. INFO looks up no key: polling it moves no hit rate.
 */
public final class RedisInfoSource extends CacheSectionSource {
    private static final Logger LOG = Logger.getLogger(RedisInfoSource.class.getName());

    private record InfoField(String family, String field, boolean counter, String help) {
    }

    private static final List<InfoField> FIELDS = List.of(
            new InfoField("redis_keyspace_hits", "keyspace_hits", true,
                    "Key lookups that found the key (INFO keyspace_hits); Vigil's own are in vigil_redis_own_lookups_total"),
            new InfoField("redis_keyspace_misses", "keyspace_misses", true,
                    "Key lookups that did not find the key (INFO keyspace_misses); Vigil's own are in vigil_redis_own_lookups_total"),
            new InfoField("redis_evicted_keys", "evicted_keys", true, "Keys evicted to stay under maxmemory (INFO evicted_keys)"),
            new InfoField("redis_expired_keys", "expired_keys", true, "Keys deleted because their TTL passed (INFO expired_keys)"),
            new InfoField("redis_commands_processed", "total_commands_processed", true, "Commands run (INFO total_commands_processed)"),
            new InfoField("redis_memory_used_bytes", "used_memory", false, "Memory allocated by Redis (INFO used_memory)"),
            new InfoField("redis_memory_max_bytes", "maxmemory", false, "The maxmemory limit, 0 for none (INFO maxmemory)"),
            new InfoField("redis_connected_clients", "connected_clients", false, "Client connections, Vigil's included (INFO connected_clients)"),
            new InfoField("redis_blocked_clients", "blocked_clients", false,
                    "Clients waiting in a blocking command such as BLPOP (INFO blocked_clients)"),
            new InfoField("redis_uptime_in_seconds", "uptime_in_seconds", false, "Seconds since Redis started (INFO uptime_in_seconds)"));

    private volatile boolean configRefusedLogged;
    // Redis refuses CONFIG SET databases: the count is fixed while a server process runs (INFO's run_id), so
    // it is asked once per process, not at every poll.
    private volatile DatabaseCount databases;

    private record DatabaseCount(String runId, int count) {
    }

    public RedisInfoSource(CacheConfig config, RedisEndpoint redis, Vertx vertx) {
        super(config, redis, vertx);
    }

    @Override
    public String name() {
        return CacheConfig.infoSourceName(connection.redis().name());
    }

    @Override
    public String kind() {
        return "redis";
    }

    @Override
    public Future<PollResult> poll() {
        return connection.poll(this::read).map(info -> new PollResult(families(info),
                "Redis " + info.info().fields().getOrDefault("redis_version", "?") + ", " + info.info().keyspace().size() + " databases with keys",
                info.info().keyspace().size()));
    }

    /** redis_exporter reports {@code redis_up 0} when it cannot read Redis; so does Vigil, instead of nothing. */
    @Override
    public List<MetricSnapshot> familiesWhenDown() {
        return List.of(up(0));
    }

    private record Reading(RedisInfo info, int databases) {
    }

    private CompletionStage<Reading> read(Pipeline pipeline) {
        RedisFuture<String> info = pipeline.commands().info();
        DatabaseCount known = databases;
        if (known == null) {
            RedisFuture<Map<String, String>> configured = pipeline.commands().configGet("databases");
            return pipeline.send(List.of(info, configured)).thenApply(v -> {
                RedisInfo parsed = RedisInfo.parse(info.toCompletableFuture().join());
                return new Reading(parsed, databases(configured, parsed));
            });
        }
        return pipeline.send(List.of(info)).thenCompose(v -> {
            RedisInfo parsed = RedisInfo.parse(info.toCompletableFuture().join());
            if (known.runId().equals(parsed.fields().get("run_id"))) {
                return CompletableFuture.completedFuture(new Reading(parsed, known.count()));
            }
            // Another server process (restarted, or failed over to): its count may differ.
            RedisFuture<Map<String, String>> configured = pipeline.commands().configGet("databases");
            return pipeline.send(List.of(configured)).thenApply(w -> new Reading(parsed, databases(configured, parsed)));
        });
    }

    /**
     * How many databases Redis has, so that empty ones are reported as 0 as redis_exporter does; 0 when the
     * service refuses CONFIG GET (some managed ones do), and then only databases holding keys are reported.
     */
    private int databases(RedisFuture<Map<String, String>> reply, RedisInfo info) {
        try {
            int count = Integer.parseInt(reply.toCompletableFuture().join().getOrDefault("databases", "0"));
            String runId = info.fields().get("run_id");
            databases = runId == null ? null : new DatabaseCount(runId, count);
            return count;
        } catch (CompletionException e) {
            if (!(e.getCause() instanceof RedisCommandExecutionException refused)) {
                throw e;
            }
            if (!configRefusedLogged) {
                configRefusedLogged = true;
                LOG.warning("redis " + connection.redis().name() + ": CONFIG GET databases refused (" + refused.getMessage()
                        + "); redis_db_keys is reported only for databases that hold keys");
            }
            return 0;
        }
    }

    private List<MetricSnapshot> families(Reading reading) {
        String redis = connection.redis().name();
        List<MetricSnapshot> out = new ArrayList<>(List.of(up(1)));
        for (InfoField f : FIELDS) {
            FamilyBuilder family = f.counter() ? FamilyBuilder.counter(f.family(), f.help(), "redis") : FamilyBuilder.gauge(f.family(), f.help(), "redis");
            out.add(family.add(reading.info().number(f.field()), redis).build());
        }
        FamilyBuilder keys = FamilyBuilder.gauge("redis_db_keys", "Keys in each database (INFO keyspace), 0 for an empty one", "redis", "db");
        FamilyBuilder expiring = FamilyBuilder.gauge("redis_db_keys_expiring", "Keys with a TTL in each database (INFO keyspace)", "redis", "db");
        SortedMap<Integer, RedisInfo.Keyspace> dbs = new TreeMap<>(reading.info().keyspace());
        for (int db = 0; db < reading.databases(); db++) {
            dbs.putIfAbsent(db, new RedisInfo.Keyspace(0, 0));
        }
        dbs.forEach((db, k) -> {
            keys.add(k.keys(), redis, "db" + db);
            expiring.add(k.expires(), redis, "db" + db);
        });
        out.add(keys.build());
        out.add(expiring.build());
        return out;
    }

    private MetricSnapshot up(int value) {
        return FamilyBuilder.gauge("redis_up", "1 when Vigil's last INFO of this Redis succeeded, else 0 (as redis_exporter's redis_up)", "redis")
                .add(value, connection.redis().name()).build();
    }
}
