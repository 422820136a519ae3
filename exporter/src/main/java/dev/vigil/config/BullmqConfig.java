package dev.vigil.config;

import java.time.Duration;
import java.util.List;

/**
 * One BullMQ poll: a Redis connection, a key prefix, and either discovery of every queue under the
 * prefix or an explicit list of queue names.
 */
public record BullmqConfig(
        String name,
        String redis,
        String prefix,
        Duration interval,
        Duration timeout,
        Duration discoveryInterval,
        int maxQueues,
        List<String> queues) {

    public static final String DEFAULT_PREFIX = "bull";
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
    public static final Duration MAX_DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_DISCOVERY_INTERVAL = Duration.ofSeconds(60);
    /** Bounds the series a runaway prefix (thousands of per-tenant queues) can create. */
    public static final int DEFAULT_MAX_QUEUES = 1000;

    public BullmqConfig {
        queues = List.copyOf(queues);
    }

    public boolean discovers() {
        return queues.isEmpty();
    }

    public static BullmqConfig defaults(String redis) {
        return new BullmqConfig("bullmq/" + redis + "/" + DEFAULT_PREFIX, redis, DEFAULT_PREFIX,
                DEFAULT_INTERVAL, defaultTimeout(DEFAULT_INTERVAL), DEFAULT_DISCOVERY_INTERVAL, DEFAULT_MAX_QUEUES, List.of());
    }

    /** A poll may take up to its interval, but no more than ten seconds unless told otherwise. */
    static Duration defaultTimeout(Duration interval) {
        return interval.compareTo(MAX_DEFAULT_TIMEOUT) < 0 ? interval : MAX_DEFAULT_TIMEOUT;
    }

    static BullmqConfig read(YamlSection section, java.util.Set<String> redisNames) throws ConfigException {
        String redis = RedisConfig.reference(section, "redis", redisNames);
        String prefix = section.string("prefix", DEFAULT_PREFIX);
        if (prefix.isEmpty()) {
            throw section.error("prefix", "must not be empty");
        }
        Duration interval = section.duration("interval", DEFAULT_INTERVAL);
        Duration timeout = section.duration("timeout", defaultTimeout(interval));
        Duration discovery = section.duration("discovery_interval", DEFAULT_DISCOVERY_INTERVAL);
        int maxQueues = section.integer("max_queues", DEFAULT_MAX_QUEUES, 1, 100_000);
        List<String> queues = section.stringList("queues");
        String name = section.string("name", "bullmq/" + redis + "/" + prefix);
        section.finish();
        return new BullmqConfig(name, redis, prefix, interval, timeout, discovery, maxQueues, queues);
    }
}
