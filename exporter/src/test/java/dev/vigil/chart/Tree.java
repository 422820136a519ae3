package dev.vigil.chart;

import java.util.List;
import java.util.Map;

/** Reading parsed YAML (maps, lists, scalars) by path, e.g. {@code spec.template.spec.containers.0.args}. */
final class Tree {
    private Tree() {
    }

    static Object at(Object node, String path) {
        Object current = node;
        for (String part : path.split("\\.")) {
            if (current instanceof Map<?, ?> m) {
                if (!m.containsKey(part)) {
                    throw new AssertionError("no '" + part + "' in " + path + " of " + node);
                }
                current = m.get(part);
            } else if (current instanceof List<?> l && part.matches("\\d+")) {
                current = l.get(Integer.parseInt(part));
            } else {
                throw new AssertionError("cannot take '" + part + "' of " + current + " (" + path + ")");
            }
        }
        return current;
    }

    static Map<String, Object> map(Object node, String path) {
        return map(at(node, path));
    }

    static List<Object> list(Object node, String path) {
        return list(at(node, path));
    }

    static String string(Object node, String path) {
        return String.valueOf(at(node, path));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object node) {
        if (node instanceof Map<?, ?>) {
            return (Map<String, Object>) node;
        }
        throw new AssertionError("expected a mapping, got " + node);
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object node) {
        if (node instanceof List<?>) {
            return (List<Object>) node;
        }
        throw new AssertionError("expected a list, got " + node);
    }

    /** The element of a list of mappings whose {@code name} is this, as Kubernetes lists containers and volumes. */
    static Map<String, Object> named(Object list, String name) {
        return list(list).stream().map(Tree::map).filter(m -> name.equals(m.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no entry named " + name + " in " + list));
    }
}
