package dev.vigil.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Cache hit rates: the {@code INFO} of each Redis listed in {@code redis_info}, and the application caches
 * whose counters live in Redis. Each Redis gets at most one source of each kind, all on one interval.
 */
public record CacheConfig(Duration interval, Duration timeout, Duration discoveryInterval, List<String> redisInfo, List<AppCacheConfig> app) {

    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
    public static final Duration DEFAULT_DISCOVERY_INTERVAL = Duration.ofSeconds(60);
    /** No cache section: nothing is read. */
    public static final CacheConfig NONE = new CacheConfig(DEFAULT_INTERVAL, BullmqConfig.defaultTimeout(DEFAULT_INTERVAL),
            DEFAULT_DISCOVERY_INTERVAL, List.of(), List.of());

    public CacheConfig {
        redisInfo = List.copyOf(redisInfo);
        app = List.copyOf(app);
    }

    public static String infoSourceName(String redis) {
        return "redis/" + redis;
    }

    public static String appSourceName(String redis) {
        return "cache/" + redis;
    }

    /** The application caches of each Redis, in the order configured; one source reads each group. */
    public Map<String, List<AppCacheConfig>> appByRedis() {
        Map<String, List<AppCacheConfig>> out = new LinkedHashMap<>();
        for (AppCacheConfig c : app) {
            out.computeIfAbsent(c.redis(), r -> new ArrayList<>()).add(c);
        }
        return out;
    }

    public List<String> sourceNames() {
        List<String> out = new ArrayList<>(redisInfo.stream().map(CacheConfig::infoSourceName).toList());
        appByRedis().keySet().forEach(r -> out.add(appSourceName(r)));
        return out;
    }

    static CacheConfig read(YamlSection section, Set<String> redisNames) throws ConfigException {
        Duration interval = section.duration("interval", DEFAULT_INTERVAL);
        Duration timeout = section.duration("timeout", BullmqConfig.defaultTimeout(interval));
        Duration discovery = section.duration("discovery_interval", DEFAULT_DISCOVERY_INTERVAL);
        Set<String> info = new LinkedHashSet<>();
        for (String redis : section.stringList("redis_info")) {
            RedisConfig.requireKnown(section, "redis_info", redis, redisNames);
            if (!info.add(redis)) {
                throw section.error("redis_info", "lists '" + redis + "' twice");
            }
        }
        List<AppCacheConfig> app = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (YamlSection entry : section.sectionList("app")) {
            AppCacheConfig c = AppCacheConfig.read(entry, redisNames);
            if (!c.name().isEmpty() && !names.add(c.name() + "\0" + c.level())) {
                throw entry.error("name", "cache '" + c.name() + "'" + (c.level().isEmpty() ? "" : " level '" + c.level() + "'")
                        + " is configured twice; give each its own name or level");
            }
            app.add(c);
        }
        section.finish();
        return new CacheConfig(interval, timeout, discovery, List.copyOf(info), app);
    }

    /** Lines for {@link VigilConfig#summary()}. */
    String summary() {
        StringBuilder out = new StringBuilder();
        String every = ", every " + Durations.format(interval) + '\n';
        for (String redis : redisInfo) {
            out.append("source ").append(infoSourceName(redis)).append(": redis INFO of ").append(redis).append(every);
        }
        appByRedis().forEach((redis, caches) -> out.append("source ").append(appSourceName(redis)).append(": app caches ")
                .append(String.join(", ", caches.stream().map(CacheConfig::describe).toList()))
                .append(" on redis ").append(redis).append(every));
        return out.toString();
    }

    private static String describe(AppCacheConfig c) {
        String level = c.level().isEmpty() ? "" : " (" + c.level() + ")";
        return c.layout() == AppCacheConfig.Layout.HASH_PATTERN
                ? "hash_pattern '" + c.key() + "'" + level + " (at most " + c.maxCaches() + ")"
                : c.name() + level;
    }
}
