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

/** Reads the YAML file once into {@link VigilConfig}, or explains precisely why it cannot. */
public final class ConfigLoader {
    private final Function<String, String> env;

    public ConfigLoader(Function<String, String> env) {
        this.env = env;
    }

    /** The configuration used when no file is given: one Redis on localhost, BullMQ prefix {@code bull}. */
    public static VigilConfig defaults() {
        return new VigilConfig("built-in defaults",
                new ServerConfig("0.0.0.0", 9740),
                Map.of("main", RedisConfig.defaults("main")),
                List.of(BullmqConfig.defaults("main")),
                Optional.empty());
    }

    public VigilConfig load(Path file) throws ConfigException {
        return read(file.toString(), YamlFile.read(file));
    }

    private VigilConfig read(String file, Node node) throws ConfigException {
        YamlSection root = YamlSection.root(file, node, env);
        ServerConfig server = root.section("server").isPresent()
                ? ServerConfig.read(root.section("server").get())
                : new ServerConfig("0.0.0.0", 9740);

        Map<String, RedisConfig> redis = new LinkedHashMap<>();
        if (root.section("redis").isPresent()) {
            YamlSection section = root.section("redis").get();
            for (String redisName : section.keys()) {
                YamlSection one = section.section(redisName)
                        .orElseThrow(() -> section.error(redisName, "expected a mapping with at least url:"));
                redis.put(redisName, RedisConfig.read(redisName, one));
            }
        }
        List<YamlSection> bullmqSections = root.sectionList("bullmq");
        List<BullmqConfig> bullmq = new java.util.ArrayList<>();
        Set<String> names = new HashSet<>();
        for (YamlSection section : bullmqSections) {
            BullmqConfig b = BullmqConfig.read(section, redis.keySet());
            if (!names.add(b.name())) {
                throw section.error("name", "source name '" + b.name() + "' is used twice; give each entry its own name:");
            }
            bullmq.add(b);
        }
        Optional<LlmConfig> llm = root.section("llm").isPresent()
                ? Optional.of(LlmConfig.read(root.section("llm").get(), redis.keySet(), names, env)) : Optional.empty();
        root.finish();
        return new VigilConfig(file, server, redis, bullmq, llm);
    }
}
