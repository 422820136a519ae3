package dev.vigil.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * docs/metrics.md, the metric reference, as the tests read it: the rows of its tables headed
 * {@code | metric | type | meaning |}, each naming one or more families in its first column, and the whole text,
 * where a family that has no row of its own (Micrometer's {@code _max} gauge of a timer) is mentioned.
 */
public final class MetricReference {
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");

    private final String text;
    private final List<Row> rows;

    /** One table row: the names of its first column without their labels, its type, the heading it is under. */
    public record Row(List<String> names, String type, String heading) {
        public boolean histogram() {
            return type.equals("histogram");
        }
    }

    private MetricReference(String text, List<Row> rows) {
        this.text = text;
        this.rows = rows;
    }

    public static Path file() {
        return ExternalTool.repoRoot().resolve("docs/metrics.md");
    }

    public static MetricReference load() {
        String text;
        try {
            text = Files.readString(file());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Row> rows = new ArrayList<>();
        String heading = "";
        boolean inTable = false;
        for (String line : text.split("\n")) {
            if (line.startsWith("#")) {
                heading = line.replaceFirst("^#+ ", "");
            }
            if (line.startsWith("| metric |")) {
                inTable = true;
            } else if (!line.startsWith("|")) {
                inTable = false;
            } else if (inTable && line.startsWith("| `")) {
                String[] cells = line.split("(?<!\\\\)\\|");
                List<String> names = new ArrayList<>();
                Matcher m = CODE.matcher(cells[1]);
                while (m.find()) {
                    names.add(m.group(1).replaceAll("\\{.*", ""));
                }
                rows.add(new Row(names, cells[2].trim(), heading));
            }
        }
        if (rows.isEmpty()) {
            throw new AssertionError(file() + " has no '| metric | type | meaning |' table");
        }
        return new MetricReference(text, List.copyOf(rows));
    }

    public List<Row> rows() {
        return rows;
    }

    /** Every name of every row, in order, repeats kept: {@code jvm_*} style prefixes and custom queries' {@code <name>_<column>} included. */
    public List<String> allNames() {
        return rows.stream().flatMap(r -> r.names().stream()).toList();
    }

    /** The families Vigil itself names: every row's names but the prefixes ({@code jvm_*}) and the user's own ({@code <name>_...}). */
    public Set<String> families() {
        Set<String> out = new LinkedHashSet<>();
        allNames().stream().filter(n -> !n.contains("<") && !n.endsWith("*")).forEach(out::add);
        return out;
    }

    /** Families documented as a whole group, such as the JVM binders' {@code jvm_*}: the prefixes without the star. */
    public Set<String> prefixes() {
        Set<String> out = new LinkedHashSet<>();
        allNames().stream().filter(n -> n.endsWith("*")).map(n -> n.substring(0, n.length() - 1)).forEach(out::add);
        return out;
    }

    /** True when the text names this family in backticks, alone or with labels: {@code `name`} or {@code `name{...}`}. */
    public boolean mentions(String family) {
        return Pattern.compile("`" + Pattern.quote(family) + "[`{]").matcher(text).find()
                || prefixes().stream().anyMatch(family::startsWith);
    }
}
