package dev.vigil.config;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.Tag;

/** Reads the YAML file once into {@link VigilConfig}, or explains precisely why it cannot. */
public final class ConfigLoader {
    private final Function<String, String> env;

    public ConfigLoader(Function<String, String> env) {
        this.env = env;
    }

    /** The configuration used when no file is given: one Redis on localhost, BullMQ prefix {@code bull}. */
    public static VigilConfig defaults() {
        return new VigilConfig("built-in defaults",
                ServerConfig.DEFAULT,
                Map.of("main", RedisConfig.defaults("main")),
                List.of(BullmqConfig.defaults("main")),
                Map.of(),
                CacheConfig.NONE,
                Optional.empty(),
                TracingConfig.OFF);
    }

    public VigilConfig load(Path file) throws ConfigException {
        return read(file.toString(), YamlFile.read(file));
    }

    private VigilConfig read(String file, Node node) throws ConfigException {
        if (node == null || node.getTag().equals(Tag.NULL)) {
            throw new ConfigException(file, 0, "",
                    "the file sets nothing (it is empty or only comments); leave out --config to run on the built-in defaults");
        }
        YamlSection root = YamlSection.root(file, node, env);
        ServerConfig server = root.section("server").isPresent()
                ? ServerConfig.read(root.section("server").get())
                : ServerConfig.DEFAULT;

        Map<String, RedisConfig> redis = new LinkedHashMap<>();
        for (Map.Entry<String, YamlSection> one : root.namedSections("redis", "with at least url:").entrySet()) {
            redis.put(one.getKey(), RedisConfig.read(one.getKey(), one.getValue()));
        }
        List<YamlSection> bullmqSections = root.sectionList("bullmq");
        List<BullmqConfig> bullmq = new java.util.ArrayList<>();
        Set<String> names = new HashSet<>();
        Map<String, PostgresConfig> postgres = readPostgres(root);
        postgres.values().forEach(p -> names.add(p.name())); // a bullmq entry's name: may not take a PostgreSQL source's
        for (YamlSection section : bullmqSections) {
            BullmqConfig b = BullmqConfig.read(section, redis.keySet());
            if (!names.add(b.name())) {
                throw section.error("name", "source name '" + b.name() + "' is used twice; give each entry its own name:");
            }
            requireOneShard(section, b, bullmq);
            requireOwnQueues(section, b, bullmq);
            bullmq.add(b);
        }
        CacheConfig cache = root.section("cache").isPresent() ? CacheConfig.read(root.section("cache").get(), redis.keySet()) : CacheConfig.NONE;
        for (String sourceName : cache.sourceNames()) {
            if (!names.add(sourceName)) {
                throw root.error("cache", "source name '" + sourceName + "' is already used by another source; rename that one");
            }
        }
        Optional<LlmConfig> llm = root.section("llm").isPresent()
                ? Optional.of(LlmConfig.read(root.section("llm").get(), redis.keySet(), names, env)) : Optional.empty();
        TracingConfig tracing = root.section("tracing").isPresent()
                ? TracingConfig.read(root.section("tracing").get())
                : TracingConfig.OFF;
        root.finish();
        return new VigilConfig(file, server, redis, bullmq, postgres, cache, llm, tracing);
    }

    /**
     * A replica is one shard of everything it reads: an entry read whole beside a sharded one would be
     * reported by every replica, and only one shard index can say whether this replica is shard 0.
     */
    private static void requireOneShard(YamlSection section, BullmqConfig b, List<BullmqConfig> before) throws ConfigException {
        for (BullmqConfig other : before) {
            if (!other.shard().equals(b.shard())) {
                throw section.error("shard", "is " + b.shard() + " but " + other.name() + " has " + other.shard()
                        + "; give every bullmq entry the same shard: (a replica is one shard of all the queues it reads)");
            }
        }
    }

    /**
     * A queue's series are told apart by redis, prefix and queue: two entries reading the same queue of the same
     * Redis would report the same series twice. Entries on one Redis and prefix must list disjoint queues.
     */
    private static void requireOwnQueues(YamlSection section, BullmqConfig b, List<BullmqConfig> before) throws ConfigException {
        for (BullmqConfig other : before) {
            if (!other.redis().equals(b.redis()) || !other.prefix().equals(b.prefix())) {
                continue;
            }
            if (b.discovers() || other.discovers()) {
                throw section.error(b.discovers() ? "prefix" : "queues", "redis '" + b.redis() + "' prefix '" + b.prefix()
                        + "' is also read by " + other.name() + ", which " + (other.discovers() ? "discovers" : "lists") + " its queues;"
                        + " give entries on the same redis and prefix disjoint queues: lists");
            }
            List<String> shared = b.queues().stream().filter(other.queues()::contains).toList();
            if (!shared.isEmpty()) {
                throw section.error("queues", "lists " + shared + ", also read by " + other.name() + " on redis '" + b.redis()
                        + "' prefix '" + b.prefix() + "'; a queue may be read by one entry only");
            }
        }
    }

    private static Map<String, PostgresConfig> readPostgres(YamlSection root) throws ConfigException {
        Map<String, PostgresConfig> postgres = new LinkedHashMap<>();
        for (Map.Entry<String, YamlSection> one : root.namedSections("postgres", "with at least url:").entrySet()) {
            postgres.put(one.getKey(), PostgresConfig.read(one.getKey(), one.getValue()));
        }
        return postgres;
    }
}
