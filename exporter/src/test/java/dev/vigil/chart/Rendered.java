package dev.vigil.chart;

import dev.vigil.config.ConfigException;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.VigilConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.yaml.snakeyaml.Yaml;

/** The objects {@code helm template} printed, in its order, and the text they were parsed from. */
record Rendered(String text, List<Map<String, Object>> objects) {
    List<String> kinds() {
        return objects.stream().map(o -> (String) o.get("kind")).toList();
    }

    List<Map<String, Object>> ofKind(String kind) {
        return objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
    }

    /** The one object of this kind; fails when there are none or several. */
    Map<String, Object> one(String kind) {
        List<Map<String, Object>> found = ofKind(kind);
        if (found.size() != 1) {
            throw new AssertionError("expected one " + kind + ", got " + found.size() + " among " + kinds());
        }
        return found.get(0);
    }

    /** The pod spec of the Deployment, or of the StatefulSet in mode sharded. */
    Map<String, Object> podSpec() {
        return Tree.map(ofKind("StatefulSet").isEmpty() ? one("Deployment") : one("StatefulSet"), "spec.template.spec");
    }

    Map<String, Object> container(String name) {
        return Tree.named(podSpec().get("containers"), name);
    }

    /** vigil.yml as the ConfigMap holds it. */
    String vigilYaml() {
        Object yaml = Tree.map(one("ConfigMap"), "data").get("vigil.yml");
        if (!(yaml instanceof String text)) {
            throw new AssertionError("the ConfigMap has no vigil.yml: " + one("ConfigMap"));
        }
        return text;
    }

    /** vigil.yml parsed as plain YAML, to look at exactly what the chart wrote. */
    Map<String, Object> vigilTree() {
        return Tree.map(new Yaml().load(vigilYaml()));
    }

    /** vigil.yml loaded by Vigil's own ConfigLoader, as {@code --config} loads it in the pod. */
    VigilConfig loadConfig(Path dir, Function<String, String> env) {
        try {
            Path file = Files.writeString(dir.resolve("vigil.yml"), vigilYaml());
            return new ConfigLoader(env).load(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ConfigException e) {
            throw new AssertionError("Vigil refuses the chart's vigil.yml: " + e.describe() + "\n" + vigilYaml(), e);
        }
    }
}
