package dev.vigil.config;

import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/**
 * One application cache whose counters the application keeps in Redis: a hash with one field per number
 * ({@code HINCRBY cache:stats hits 1}), plain keys ({@code INCR query-cache:hits}), or every hash matching a
 * pattern, each match one cache named by the part the {@code *} matched.
 *
 * @param name   the {@code cache} label; empty for a hash pattern, whose matches are named by their {@code *} part
 * @param level  the {@code level} label (e.g. {@code l1}, {@code l2}); empty when not configured
 * @param key    the hash or the hash pattern; empty for plain keys
 * @param names  where each number is: field names for a hash or pattern, key names for plain keys
 */
public record AppCacheConfig(String name, String level, String redis, Layout layout, String key, Map<Stat, String> names, int maxCaches) {

    /** Bounds the series a pattern can create (one set per matching hash). */
    public static final int DEFAULT_MAX_CACHES = 100;
    /** The characters SCAN's MATCH would read as wildcards, besides the one {@code *} a pattern has. */
    private static final String GLOB_SPECIALS = "?[]\\";

    public enum Layout { HASH, KEYS, HASH_PATTERN }

    /** The numbers a cache can report, by the YAML key (and default field name) of each. */
    public enum Stat {
        HITS("hits"), MISSES("misses"), EVICTIONS("evictions"), SIZE("size"), SAVED_USD("saved_usd");

        public final String key;

        Stat(String key) {
            this.key = key;
        }

        /** A hit rate needs both; the other numbers are reported when the application keeps them. */
        public boolean required() {
            return this == HITS || this == MISSES;
        }
    }

    public AppCacheConfig {
        names = Map.copyOf(names);
    }

    static AppCacheConfig read(YamlSection section, Set<String> redisNames) throws ConfigException {
        String redis = RedisConfig.reference(section, "redis", redisNames);
        String level = nonEmpty(section, "level", section.string("level", ""), true);
        Layout layout = layout(section);
        if (layout == Layout.HASH_PATTERN && section.has("name")) {
            throw section.error("name", "a hash_pattern cache is named by the part of each key that * matches; leave name out");
        }
        if (layout != Layout.HASH_PATTERN && section.has("max_caches")) {
            throw section.error("max_caches", "applies to hash_pattern only");
        }
        if (layout == Layout.KEYS && section.has("fields")) {
            throw section.error("fields", "applies to hash and hash_pattern; with keys, name each key under keys:");
        }
        String name = layout == Layout.HASH_PATTERN ? "" : nonEmpty(section, "name", section.requiredString("name"), false);
        String key = switch (layout) {
            case HASH -> nonEmpty(section, "hash", section.requiredString("hash"), false);
            case HASH_PATTERN -> pattern(section);
            case KEYS -> "";
        };
        Map<Stat, String> names = layout == Layout.KEYS ? keys(section) : fields(section);
        int maxCaches = section.integer("max_caches", DEFAULT_MAX_CACHES, 1, 10_000);
        section.finish();
        return new AppCacheConfig(name, level, redis, layout, key, names, maxCaches);
    }

    private static Layout layout(YamlSection section) throws ConfigException {
        int given = (section.has("hash") ? 1 : 0) + (section.has("keys") ? 1 : 0) + (section.has("hash_pattern") ? 1 : 0);
        if (given != 1) {
            throw section.error("hash", "give exactly one of hash, keys or hash_pattern");
        }
        return section.has("hash") ? Layout.HASH : section.has("keys") ? Layout.KEYS : Layout.HASH_PATTERN;
    }

    private static String pattern(YamlSection section) throws ConfigException {
        String pattern = section.requiredString("hash_pattern");
        if (pattern.indexOf('*') < 0 || pattern.indexOf('*') != pattern.lastIndexOf('*')) {
            throw section.error("hash_pattern", "must contain exactly one *, the part that names each cache; got '" + pattern + "'");
        }
        for (char c : GLOB_SPECIALS.toCharArray()) {
            if (pattern.indexOf(c) >= 0) {
                throw section.error("hash_pattern", "may not contain '" + c + "': the only wildcard is one *");
            }
        }
        return pattern;
    }

    /** Field names of a hash, each defaulting to the stat's own name. */
    private static Map<Stat, String> fields(YamlSection section) throws ConfigException {
        YamlSection fields = section.section("fields").orElse(null);
        Map<Stat, String> out = new EnumMap<>(Stat.class);
        for (Stat stat : Stat.values()) {
            out.put(stat, fields == null ? stat.key : nonEmpty(fields, stat.key, fields.string(stat.key, stat.key), false));
        }
        if (fields != null) {
            fields.finish();
        }
        return out;
    }

    /** Plain keys: hits and misses are required, the rest are read only when named. */
    private static Map<Stat, String> keys(YamlSection section) throws ConfigException {
        YamlSection keys = section.section("keys").orElseThrow(() -> section.error("keys", "expected a mapping such as { hits: KEY, misses: KEY }"));
        Map<Stat, String> out = new EnumMap<>(Stat.class);
        for (Stat stat : Stat.values()) {
            if (stat.required() || keys.has(stat.key)) {
                out.put(stat, nonEmpty(keys, stat.key, keys.requiredString(stat.key), false));
            }
        }
        keys.finish();
        return out;
    }

    private static String nonEmpty(YamlSection section, String key, String value, boolean mayBeAbsent) throws ConfigException {
        if (value.isEmpty() && (!mayBeAbsent || section.has(key))) {
            throw section.error(key, "must not be empty");
        }
        return value;
    }
}
