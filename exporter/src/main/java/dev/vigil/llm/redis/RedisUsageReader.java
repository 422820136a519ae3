package dev.vigil.llm.redis;

import dev.vigil.config.LlmRedisConfig;
import dev.vigil.llm.RequestStatus;
import dev.vigil.llm.Tokens;
import dev.vigil.llm.UsageEvent;
import dev.vigil.llm.UsageReader;
import dev.vigil.redis.Pipeline;
import dev.vigil.redis.RedisEndpoint;
import dev.vigil.redis.SourceConnection;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.logging.Logger;

/**
 * Usage counters the application increments in Redis hashes, one hash per provider and model (and
 * attribution labels, when the key pattern has them). Each poll SCANs the keys and reads them all with
 * pipelined HGETALLs; what grew since the last poll is counted. The first poll counts each hash whole, so the
 * totals equal what Redis holds, but with no time: that history is not part of the day's or month's spend.
 */
public final class RedisUsageReader implements UsageReader {
    private static final Logger LOG = Logger.getLogger(RedisUsageReader.class.getName());
    private static final int SCAN_COUNT = 1000;

    private final LlmRedisConfig config;
    private final SourceConnection connection;
    private final KeyPattern pattern;
    private final List<String> fields;
    private final CounterReadings readings = new CounterReadings();
    private volatile boolean readOnce;
    private volatile boolean boundLogged;
    private volatile boolean skipLogged;

    public RedisUsageReader(LlmRedisConfig config, RedisEndpoint redis, Vertx vertx) {
        this.config = config;
        this.connection = new SourceConnection(redis, vertx);
        this.pattern = new KeyPattern(config.keyPattern());
        this.fields = LlmRedisConfig.FIELDS.stream().map(f -> config.fields().get(f)).toList();
    }

    @Override
    public Future<Reading> read() {
        return connection.poll(p -> scan(p, ScanCursor.INITIAL, new ArrayList<>()).thenCompose(keys -> {
            Map<String, RedisFuture<Map<String, String>>> replies = new LinkedHashMap<>();
            keys.forEach(k -> replies.put(k, p.commands().hgetall(k)));
            return p.send(List.copyOf(replies.values())).thenApply(v -> growth(replies));
        }));
    }

    private CompletionStage<List<String>> scan(Pipeline p, ScanCursor cursor, List<String> found) {
        ScanArgs args = ScanArgs.Builder.matches(pattern.glob()).limit(SCAN_COUNT);
        CompletableFuture<KeyScanCursor<String>> reply = p.commands().scan(cursor, args).toCompletableFuture();
        p.send(List.of(reply));
        return reply.thenCompose(page -> {
            found.addAll(page.getKeys());
            if (found.size() >= config.maxKeys()) {
                if (!boundLogged) {
                    boundLogged = true;
                    LOG.warning("source " + config.name() + ": more than " + config.maxKeys() + " usage keys; reading the first "
                            + config.maxKeys() + " found (raise max_keys to read more)");
                }
                return CompletableFuture.completedFuture(found.subList(0, config.maxKeys()));
            }
            return page.isFinished() ? CompletableFuture.completedFuture(found) : scan(p, page, found);
        });
    }

    private Reading growth(Map<String, RedisFuture<Map<String, String>>> replies) {
        Optional<Instant> time = readOnce ? Optional.of(Instant.now()) : Optional.empty();
        List<UsageEvent> events = new ArrayList<>();
        int skipped = 0;
        for (Map.Entry<String, RedisFuture<Map<String, String>>> e : replies.entrySet()) {
            CompletableFuture<Map<String, String>> reply = e.getValue().toCompletableFuture();
            boolean failed = reply.isCompletedExceptionally();
            if (!failed && reply.join().isEmpty()) {
                continue; // deleted since the SCAN
            }
            Optional<Map<String, String>> labels = pattern.values(e.getKey());
            Optional<long[]> values = failed || labels.isEmpty() ? Optional.empty() : values(reply.join());
            if (values.isEmpty()) {
                skipped++;
                continue;
            }
            events.addAll(events(e.getKey(), labels.get(), values.get(), time));
        }
        if (skipped > 0 && !skipLogged) {
            skipLogged = true;
            LOG.warning("source " + config.name() + ": skipping " + skipped + " keys matching '" + config.keyPattern()
                    + "' that are not hashes of whole numbers (HINCRBY, not HINCRBYFLOAT) or do not fit it; logged once");
        }
        readings.keepOnly(replies.keySet());
        readOnce = true;
        return new Reading(events, replies.size() + " usage keys");
    }

    /** The counted fields of one hash, or empty when a field holds something else than a whole number. */
    private Optional<long[]> values(Map<String, String> hash) {
        long[] values = new long[fields.size()];
        try {
            for (int i = 0; i < values.length; i++) {
                String v = hash.get(fields.get(i));
                values[i] = v == null ? 0 : Math.max(0, Long.parseLong(v.trim()));
            }
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        return Optional.of(values);
    }

    private List<UsageEvent> events(String key, Map<String, String> labels, long[] now, Optional<Instant> time) {
        long[] growth = readings.growth(key, now);
        // A cached count can run ahead of the input count when the application increments them one by one and
        // the poll falls in between: count what fits now and leave the rest for the next poll.
        long cached = Math.min(growth[2], growth[0]);
        long write = Math.min(growth[3], growth[0] - cached);
        long[] upTo = now.clone();
        upTo[2] = now[2] - (growth[2] - cached);
        upTo[3] = now[3] - (growth[3] - write);
        readings.counted(key, upTo);
        String provider = labels.get("provider");
        String model = labels.get("model");
        List<UsageEvent> events = new ArrayList<>(3);
        Tokens tokens = new Tokens(growth[0], growth[1], cached, write);
        if (!tokens.isZero() || growth[4] > 0) {
            events.add(UsageEvent.counted(provider, model, tokens, growth[4], RequestStatus.OK, Optional.empty(), labels, time));
        }
        if (growth[5] > 0) {
            events.add(UsageEvent.counted(provider, model, Tokens.NONE, growth[5], RequestStatus.ERROR, Optional.empty(), labels, time));
        }
        if (growth[6] > 0) {
            events.add(UsageEvent.counted(provider, model, Tokens.NONE, growth[6], RequestStatus.RATE_LIMITED, Optional.empty(), labels, time));
        }
        return events;
    }

    @Override
    public Future<Void> close() {
        return connection.close();
    }
}
