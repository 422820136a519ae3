package dev.vigil.alerting;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Test copies of the production files in alert-rules, made in a temporary folder: the production files
 * themselves are never edited for a test. What a copy changes is only what a test cannot wait for
 * ({@code for:} durations, Alertmanager's group timing) or must point at local stand-ins (receiver URLs
 * and secret files).
 */
final class TestOverlay {
    private TestOverlay() {
    }

    private static Yaml yaml() {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setWidth(200);
        return new Yaml(options);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> load(Path file) {
        try {
            return (Map<String, Object>) yaml().load(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path write(Map<String, Object> document, Path file) {
        try {
            Files.writeString(file, yaml().dump(document));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A copy of a production rule file holding only the named alerts (every rule of each name, e.g. both
     * severities of QueueDepthHigh), each with {@code for:} set to {@code forDuration}.
     */
    @SuppressWarnings("unchecked")
    static Path alertsWithShortFor(Path production, Set<String> alertNames, String forDuration, Path into) {
        Map<String, Object> document = load(production);
        List<Map<String, Object>> groups = (List<Map<String, Object>>) document.get("groups");
        List<Map<String, Object>> kept = new ArrayList<>();
        for (Map<String, Object> group : groups) {
            List<Map<String, Object>> rules = new ArrayList<>();
            for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                if (alertNames.contains(rule.get("alert"))) {
                    rule.put("for", forDuration);
                    rules.add(rule);
                }
            }
            if (!rules.isEmpty()) {
                group.put("rules", rules);
                kept.add(group);
            }
        }
        if (kept.stream().mapToInt(g -> ((List<?>) g.get("rules")).size()).sum() == 0) {
            throw new IllegalArgumentException("no alert named " + alertNames + " in " + production);
        }
        document.put("groups", kept);
        return write(document, into.resolve("overlay-" + production.getFileName()));
    }

    /**
     * A copy of the production Alertmanager configuration for a test: group timing of a second, templates
     * from the repository, every {@code *_file} secret replaced by a file holding the test's value for it
     * (keyed by the production path, each of which must be given), PagerDuty's Events API URL pointed at a
     * stand-in, and the SMTP server at a closed local port.
     */
    @SuppressWarnings("unchecked")
    static Path alertmanager(Path production, Map<String, String> secrets, String pagerDutyUrl, Path into) {
        Map<String, Object> document = load(production);
        Map<String, Object> global = (Map<String, Object>) document.get("global");
        global.put("resolve_timeout", "10s");
        global.put("smtp_smarthost", "127.0.0.1:1");
        List<String> templates = new ArrayList<>();
        for (Object t : (List<Object>) document.get("templates")) {
            templates.add(production.getParent().resolve((String) t).toAbsolutePath().normalize().toString());
        }
        document.put("templates", templates);
        shortTiming((Map<String, Object>) document.get("route"));
        try {
            Files.createDirectories(into.resolve("secrets"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        replaceSecretFiles(document.get("receivers"), secrets, into.resolve("secrets"));
        for (Map<String, Object> receiver : (List<Map<String, Object>>) document.get("receivers")) {
            List<Map<String, Object>> pagerDuty = (List<Map<String, Object>>) receiver.get("pagerduty_configs");
            if (pagerDuty != null) {
                pagerDuty.forEach(c -> c.put("url", pagerDutyUrl));
            }
        }
        return write(document, into.resolve("alertmanager.yml"));
    }

    @SuppressWarnings("unchecked")
    private static void shortTiming(Map<String, Object> route) {
        route.put("group_wait", "1s");
        route.put("group_interval", "1s");
        route.put("repeat_interval", "1h");
        List<Map<String, Object>> children = (List<Map<String, Object>>) route.get("routes");
        if (children != null) {
            children.forEach(TestOverlay::shortTiming);
        }
    }

    @SuppressWarnings("unchecked")
    private static void replaceSecretFiles(Object node, Map<String, String> secrets, Path folder) {
        if (node instanceof Map<?, ?> map) {
            for (Map.Entry<String, Object> e : ((Map<String, Object>) map).entrySet()) {
                if (e.getKey().endsWith("_file") && e.getValue() instanceof String path) {
                    String value = secrets.get(path);
                    if (value == null) {
                        throw new IllegalArgumentException("the test gives no value for the secret file " + path);
                    }
                    Path file = folder.resolve(Path.of(path).getFileName());
                    try {
                        Files.writeString(file, value + "\n");
                    } catch (IOException ex) {
                        throw new UncheckedIOException(ex);
                    }
                    e.setValue(file.toString());
                } else {
                    replaceSecretFiles(e.getValue(), secrets, folder);
                }
            }
        } else if (node instanceof List<?> list) {
            list.forEach(item -> replaceSecretFiles(item, secrets, folder));
        }
    }
}
