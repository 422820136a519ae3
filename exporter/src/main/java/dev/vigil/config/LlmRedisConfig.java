package dev.vigil.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Usage counters the application keeps in Redis hashes ({@code HINCRBY llm:usage:openai:gpt-4o input_tokens 812}).
 *
 * @param keyPattern  key names with {@code {provider}}, {@code {model}} and any attribution label as placeholders
 * @param fields      what each hash field counts: canonical name ({@link #FIELDS}) to the field's name in the hash
 */
public record LlmRedisConfig(String name, String redis, String keyPattern, Map<String, String> fields,
                             Duration interval, Duration timeout, int maxKeys) implements LlmSourceName {
    public static final String DEFAULT_PATTERN = "llm:usage:{provider}:{model}";
    /** What a hash field can count; input_tokens counts all input tokens, cached ones included. */
    public static final List<String> FIELDS = List.of("input_tokens", "output_tokens", "cached_input_tokens",
            "cache_write_tokens", "requests", "errors", "rate_limited");
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(15);
    /** Bounds the keys read per poll (and the counters remembered between polls). */
    public static final int DEFAULT_MAX_KEYS = 10_000;
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z_][a-z0-9_]*)}");

    public LlmRedisConfig {
        fields = Map.copyOf(fields);
    }

    static LlmRedisConfig read(YamlSection section, Set<String> redisNames, List<String> labels) throws ConfigException {
        String redis = section.string("redis").orElse(redisNames.size() == 1 ? redisNames.iterator().next() : null);
        if (redis == null || !redisNames.contains(redis)) {
            throw section.error("redis", redis == null ? "is required: which connection under redis: holds the counters"
                    : "names no configured Redis connection '" + redis + "'");
        }
        String pattern = section.string("key_pattern", DEFAULT_PATTERN);
        checkPattern(section, pattern, labels);
        Map<String, String> fields = new LinkedHashMap<>();
        if (section.section("fields").isPresent()) {
            YamlSection f = section.section("fields").get();
            for (String canonical : FIELDS) {
                fields.put(canonical, f.string(canonical, canonical));
            }
            f.finish();
        } else {
            FIELDS.forEach(canonical -> fields.put(canonical, canonical));
        }
        Duration interval = section.duration("interval", DEFAULT_INTERVAL);
        Duration timeout = section.duration("timeout", BullmqConfig.defaultTimeout(interval));
        int maxKeys = section.integer("max_keys", DEFAULT_MAX_KEYS, 1, 1_000_000);
        String name = section.string("name", "llm/redis/" + redis);
        section.finish();
        return new LlmRedisConfig(name, redis, pattern, fields, interval, timeout, maxKeys);
    }

    private static void checkPattern(YamlSection section, String pattern, List<String> labels) throws ConfigException {
        Matcher m = PLACEHOLDER.matcher(pattern);
        java.util.Set<String> seen = new java.util.HashSet<>();
        while (m.find()) {
            String p = m.group(1);
            if (!p.equals("provider") && !p.equals("model") && !labels.contains(p)) {
                throw section.error("key_pattern", "{" + p + "} is neither {provider}, {model} nor a label listed in llm.labels");
            }
            if (!seen.add(p)) {
                throw section.error("key_pattern", "{" + p + "} appears twice");
            }
        }
        if (!seen.contains("provider") || !seen.contains("model")) {
            throw section.error("key_pattern", "must contain {provider} and {model}, e.g. " + DEFAULT_PATTERN);
        }
    }

    String summary() {
        return "source " + name + ": llm usage counters '" + keyPattern + "' on redis " + redis
                + ", every " + Durations.format(interval);
    }
}
