package dev.vigil.dashboards;

import dev.vigil.support.ExternalTool;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** One dashboard file of grafana-dashboards/, as Grafana's import reads it. */
record Dashboard(Path file, JsonObject json) {
    static Path folder() {
        return ExternalTool.repoRoot().resolve("grafana-dashboards");
    }

    /** Every {@code *.json} of the folder, by file name; a file that is not JSON fails with its name. */
    static List<Dashboard> all() {
        try (var files = Files.list(folder())) {
            List<Dashboard> out = new ArrayList<>();
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList()) {
                out.add(read(f));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Dashboard read(Path file) {
        try {
            return new Dashboard(file, new JsonObject(Files.readString(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (DecodeException e) {
            throw new AssertionError(file.getFileName() + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    String uid() {
        return json.getString("uid");
    }

    String title() {
        return json.getString("title");
    }

    /** Every panel, rows included, and the panels inside collapsed rows. */
    List<JsonObject> panels() {
        List<JsonObject> out = new ArrayList<>();
        for (Object p : json.getJsonArray("panels", new JsonArray())) {
            JsonObject panel = (JsonObject) p;
            out.add(panel);
            panel.getJsonArray("panels", new JsonArray()).forEach(inner -> out.add((JsonObject) inner));
        }
        return out;
    }

    /** The panels that show data: everything but rows and text. */
    List<JsonObject> dataPanels() {
        return panels().stream().filter(p -> !List.of("row", "text").contains(p.getString("type"))).toList();
    }

    static List<JsonObject> targets(JsonObject panel) {
        List<JsonObject> out = new ArrayList<>();
        panel.getJsonArray("targets", new JsonArray()).forEach(t -> out.add((JsonObject) t));
        return out;
    }

    List<JsonObject> variables() {
        List<JsonObject> out = new ArrayList<>();
        json.getJsonObject("templating", new JsonObject()).getJsonArray("list", new JsonArray()).forEach(v -> out.add((JsonObject) v));
        return out;
    }

    Optional<JsonObject> variable(String name) {
        return variables().stream().filter(v -> name.equals(v.getString("name"))).findFirst();
    }

    /** The PromQL of a query variable; Grafana stores it as a string or, from 10, as an object. */
    static String variableQuery(JsonObject variable) {
        Object q = variable.getValue("query");
        return q instanceof JsonObject o ? o.getString("query") : (String) q;
    }

    List<JsonObject> links() {
        List<JsonObject> out = new ArrayList<>();
        json.getJsonArray("links", new JsonArray()).forEach(l -> out.add((JsonObject) l));
        return out;
    }

    List<String> tags() {
        return json.getJsonArray("tags", new JsonArray()).stream().map(String.class::cast).toList();
    }
}
