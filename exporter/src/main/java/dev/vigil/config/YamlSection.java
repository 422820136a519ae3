package dev.vigil.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * One YAML mapping of the config file, read key by key with its line numbers kept, so every error can
 * name the file, the line and the full key path. Keys that are read are remembered; {@link #finish()}
 * rejects the rest with a "did you mean" suggestion.
 *
 * <p>Every string value goes through {@code ${VAR}} / {@code ${VAR:-default}} expansion, and any string
 * key {@code x} may be given as {@code x_file} instead, read from that file and trimmed (for secrets).
 */
public final class YamlSection {
    private static final Pattern VARIABLE = Pattern.compile("\\$\\$|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?}");

    private final String file;
    private final String path;
    private final MappingNode node;
    private final Function<String, String> env;
    // Files in another program's format (the web configuration file) are read literally: no ${VAR}, no x_file.
    private final boolean literal;
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();
    private final Set<String> known = new LinkedHashSet<>();

    private YamlSection(String file, String path, MappingNode node, Function<String, String> env, boolean literal)
            throws ConfigException {
        this.file = file;
        this.path = path;
        this.node = node;
        this.env = env;
        this.literal = literal;
        for (NodeTuple tuple : node.getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
                throw error(tuple.getKeyNode(), path, "keys must be plain names");
            }
            if (entries.put(key.getValue(), tuple) != null) {
                throw error(key, qualify(key.getValue()), "is given twice");
            }
        }
    }

    static YamlSection root(String file, Node node, Function<String, String> env) throws ConfigException {
        return root(file, node, env, false);
    }

    /** The root of a file read literally: values as written, no {@code ${VAR}} expansion, no {@code x_file} indirection. */
    static YamlSection literalRoot(String file, Node node) throws ConfigException {
        return root(file, node, name -> null, true);
    }

    private static YamlSection root(String file, Node node, Function<String, String> env, boolean literal) throws ConfigException {
        if (node == null) {
            return new YamlSection(file, "", new MappingNode(Tag.MAP, List.of(), org.yaml.snakeyaml.DumperOptions.FlowStyle.AUTO), env, literal);
        }
        if (!(node instanceof MappingNode mapping)) {
            throw new ConfigException(file, line(node), "", "the file must be a YAML mapping (key: value lines)");
        }
        return new YamlSection(file, "", mapping, env, literal);
    }

    public boolean has(String key) {
        return entries.containsKey(key) || entries.containsKey(key + "_file");
    }

    /** The names of all keys of this section, for maps keyed by user-chosen names (such as {@code redis}). */
    public List<String> keys() {
        known.addAll(entries.keySet());
        return List.copyOf(entries.keySet());
    }

    public Optional<String> string(String key) throws ConfigException {
        known.add(key);
        NodeTuple direct = entries.get(key);
        if (literal) {
            return direct == null || isNull(direct.getValueNode()) ? Optional.empty() : Optional.of(scalar(direct, key));
        }
        known.add(key + "_file");
        NodeTuple fromFile = entries.get(key + "_file");
        if (direct != null && fromFile != null) {
            throw error(fromFile.getKeyNode(), qualify(key + "_file"), "give either " + key + " or " + key + "_file, not both");
        }
        if (fromFile != null) {
            String secretPath = scalar(fromFile, key + "_file");
            try {
                return Optional.of(Files.readString(Path.of(secretPath), StandardCharsets.UTF_8).trim());
            } catch (IOException e) {
                throw error(fromFile.getValueNode(), qualify(key + "_file"), "cannot read " + secretPath + ": " + e.getMessage());
            }
        }
        return direct == null ? Optional.empty() : Optional.of(scalar(direct, key));
    }

    public String string(String key, String defaultValue) throws ConfigException {
        return string(key).orElse(defaultValue);
    }

    public String requiredString(String key) throws ConfigException {
        return string(key).orElseThrow(() -> error(node, qualify(key), "is required"));
    }

    public Optional<Secret> secret(String key) throws ConfigException {
        return string(key).map(Secret::new);
    }

    public Duration duration(String key, Duration defaultValue) throws ConfigException {
        Optional<String> text = string(key);
        if (text.isEmpty()) {
            return defaultValue;
        }
        try {
            Duration d = Durations.parse(text.get());
            if (d.isZero()) {
                throw error(valueNode(key), qualify(key), "must be longer than zero");
            }
            return d;
        } catch (IllegalArgumentException e) {
            throw error(valueNode(key), qualify(key), e.getMessage());
        }
    }

    public int integer(String key, int defaultValue, int min, int max) throws ConfigException {
        Optional<String> text = string(key);
        if (text.isEmpty()) {
            return defaultValue;
        }
        try {
            int value = Integer.parseInt(text.get().trim());
            if (value < min || value > max) {
                throw error(valueNode(key), qualify(key), "must be between " + min + " and " + max + ", got " + value);
            }
            return value;
        } catch (NumberFormatException e) {
            throw error(valueNode(key), qualify(key), "expected a whole number, got '" + text.get() + "'");
        }
    }

    public boolean bool(String key, boolean defaultValue) throws ConfigException {
        Optional<String> text = string(key);
        if (text.isEmpty()) {
            return defaultValue;
        }
        return switch (text.get().trim().toLowerCase()) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw error(valueNode(key), qualify(key), "expected true or false, got '" + text.get() + "'");
        };
    }

    public Optional<YamlSection> section(String key) throws ConfigException {
        known.add(key);
        NodeTuple tuple = entries.get(key);
        if (tuple == null || isNull(tuple.getValueNode())) {
            return Optional.empty();
        }
        if (!(tuple.getValueNode() instanceof MappingNode mapping)) {
            throw error(tuple.getValueNode(), qualify(key), "expected a mapping (nested key: value lines), got " + describe(tuple.getValueNode()));
        }
        return Optional.of(new YamlSection(file, qualify(key), mapping, env, literal));
    }

    /** A mapping from names the user chose to mappings, such as {@code redis:} or {@code postgres:}, in file order. */
    public Map<String, YamlSection> namedSections(String key, String hint) throws ConfigException {
        Map<String, YamlSection> out = new LinkedHashMap<>();
        Optional<YamlSection> named = section(key);
        if (named.isPresent()) {
            for (String name : named.get().keys()) {
                out.put(name, named.get().section(name).orElseThrow(() -> named.get().error(name, "expected a mapping " + hint)));
            }
        }
        return out;
    }

    /** A list of mappings, e.g. the {@code bullmq:} entries; a single mapping is accepted as a list of one. */
    public List<YamlSection> sectionList(String key) throws ConfigException {
        known.add(key);
        NodeTuple tuple = entries.get(key);
        if (tuple == null || isNull(tuple.getValueNode())) {
            return List.of();
        }
        Node value = tuple.getValueNode();
        if (value instanceof MappingNode mapping) {
            return List.of(new YamlSection(file, qualify(key), mapping, env, literal));
        }
        if (!(value instanceof SequenceNode sequence)) {
            throw error(value, qualify(key), "expected a list of mappings, got " + describe(value));
        }
        List<YamlSection> out = new ArrayList<>();
        for (int i = 0; i < sequence.getValue().size(); i++) {
            Node item = sequence.getValue().get(i);
            String itemPath = qualify(key) + "[" + i + "]";
            if (!(item instanceof MappingNode mapping)) {
                throw error(item, itemPath, "expected a mapping (key: value lines), got " + describe(item));
            }
            out.add(new YamlSection(file, itemPath, mapping, env, literal));
        }
        return out;
    }

    public List<String> stringList(String key) throws ConfigException {
        known.add(key);
        NodeTuple tuple = entries.get(key);
        if (tuple == null || isNull(tuple.getValueNode())) {
            return List.of();
        }
        if (!(tuple.getValueNode() instanceof SequenceNode sequence)) {
            throw error(tuple.getValueNode(), qualify(key), "expected a list of strings, got " + describe(tuple.getValueNode()));
        }
        List<String> out = new ArrayList<>();
        for (Node item : sequence.getValue()) {
            if (!(item instanceof ScalarNode scalar)) {
                throw error(item, qualify(key), "expected a list of strings, found " + describe(item));
            }
            out.add(expand(scalar, qualify(key)));
        }
        return out;
    }

    /** Rejects keys nobody asked for, suggesting the nearest known key. Call after reading the section. */
    public void finish() throws ConfigException {
        for (Map.Entry<String, NodeTuple> entry : entries.entrySet()) {
            if (!known.contains(entry.getKey())) {
                String hint = known.stream()
                        .min(Comparator.comparingInt(k -> editDistance(k, entry.getKey())))
                        .filter(k -> editDistance(k, entry.getKey()) <= Math.max(2, entry.getKey().length() / 3))
                        .map(k -> "; did you mean '" + k + "'?")
                        .orElse(known.isEmpty() ? "" : "; known keys: " + String.join(", ", known.stream().filter(k -> literal || !k.endsWith("_file")).toList()));
                throw error(entry.getValue().getKeyNode(), qualify(entry.getKey()), "unknown key" + hint);
            }
        }
    }

    /** An error about a key of this section, pointing at its value's line (or the section's when absent). */
    public ConfigException error(String key, String message) {
        return error(valueNode(key), qualify(key), message);
    }

    private Node valueNode(String key) {
        NodeTuple tuple = entries.containsKey(key) || literal ? entries.get(key) : entries.get(key + "_file");
        return tuple == null ? node : tuple.getValueNode();
    }

    private String scalar(NodeTuple tuple, String key) throws ConfigException {
        Node value = tuple.getValueNode();
        if (!(value instanceof ScalarNode scalar) || isNull(value)) {
            throw error(value, qualify(key), "expected a single value, got " + describe(value));
        }
        return expand(scalar, qualify(key));
    }

    private String expand(ScalarNode scalar, String keyPath) throws ConfigException {
        if (literal) {
            return scalar.getValue();
        }
        Matcher m = VARIABLE.matcher(scalar.getValue());
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement;
            if (m.group().equals("$$")) {
                replacement = "$";
            } else {
                String value = env.apply(m.group(1));
                if (value == null || (value.isEmpty() && m.group(2) != null)) {
                    if (m.group(2) == null) {
                        throw error(scalar, keyPath, "environment variable " + m.group(1) + " is not set (write ${" + m.group(1) + ":-default} to give a default)");
                    }
                    value = m.group(3);
                }
                replacement = value;
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    private String qualify(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private ConfigException error(Node at, String keyPath, String message) {
        return new ConfigException(file, line(at), keyPath, message);
    }

    private static int line(Node n) {
        return n == null || n.getStartMark() == null ? 0 : n.getStartMark().getLine() + 1;
    }

    private static boolean isNull(Node n) {
        return n instanceof ScalarNode s && Tag.NULL.equals(s.getTag());
    }

    private static String describe(Node n) {
        if (n instanceof MappingNode) {
            return "a mapping";
        }
        if (n instanceof SequenceNode) {
            return "a list";
        }
        return isNull(n) ? "nothing" : "'" + ((ScalarNode) n).getValue() + "'";
    }

    static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
