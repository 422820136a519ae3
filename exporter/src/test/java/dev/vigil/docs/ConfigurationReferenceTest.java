package dev.vigil.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.support.ExternalTool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md documents every key once. The loader has no list of its keys (each section learns them
 * as it reads), so the keys are taken from its source: every literal key a config class reads through
 * {@code YamlSection} ({@code section.duration("interval", ...)}) must have a row in a key table.
 */
class ConfigurationReferenceTest {
    private static final Path DOC = ExternalTool.repoRoot().resolve("docs/configuration.md");
    private static final Path CONFIG_SOURCES = ExternalTool.repoRoot().resolve("exporter/src/main/java/dev/vigil/config");
    /** The web configuration file is a format of its own (the exporter toolkit's), documented in docs/security.md. */
    private static final Path WEB_CONFIG_SOURCE = CONFIG_SOURCES.resolve("WebConfigFile.java");
    private static final Path WEB_CONFIG_DOC = ExternalTool.repoRoot().resolve("docs/security.md");
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");
    private static final Pattern READ = Pattern.compile(
            "\\.(?:string|requiredString|secret|duration|integer|bool|section|sectionList|namedSections|stringList)\\(\"([a-z_]+)\"");
    /** Keys of the price file (its own format, shown by example under "Prices"), not of vigil.yml. */
    private static final Set<String> PRICE_FILE = Set.of("models", "provider", "as_of");

    /** A row of a key table: the heading or lead-in that names its section, and the keys of its first column. */
    private record KeyRow(String section, List<String> keys) {
    }

    @Test
    void everyKeyIsDocumentedOncePerSection() throws IOException {
        Set<String> seen = new HashSet<>();
        List<String> twice = new ArrayList<>();
        for (KeyRow row : keyRows()) {
            for (String key : row.keys()) {
                if (!seen.add(row.section() + " " + key)) {
                    twice.add(row.section() + ": " + key);
                }
            }
        }
        assertThat(seen).hasSizeGreaterThan(90);
        assertThat(twice).as("keys with more than one row in their section of docs/configuration.md").isEmpty();
    }

    @Test
    void everyKeyTheLoaderReadsIsDocumented() throws IOException {
        Set<String> documented = new HashSet<>();
        for (KeyRow row : keyRows()) {
            for (String key : row.keys()) {
                documented.addAll(List.of(key.split("\\.")));
            }
            documented.addAll(List.of(row.section().split("[.\\s]")));
        }
        Set<String> read = new TreeSet<>();
        try (Stream<Path> sources = Files.list(CONFIG_SOURCES)) {
            for (Path source : sources.filter(s -> !s.equals(WEB_CONFIG_SOURCE)).toList()) {
                read.addAll(keysRead(source));
            }
        }
        read.removeAll(PRICE_FILE);
        assertThat(read).hasSizeGreaterThan(60);
        assertThat(read.stream().filter(key -> !documented.contains(key)).toList())
                .as("keys the config loader reads that docs/configuration.md does not document").isEmpty();
    }

    @Test
    void everyKeyOfTheWebConfigFileIsDocumented() throws IOException {
        Set<String> documented = new HashSet<>();
        for (String line : Files.readAllLines(WEB_CONFIG_DOC)) {
            if (line.startsWith("| `")) {
                Matcher m = CODE.matcher(line.split("\\|")[1]);
                while (m.find()) {
                    documented.addAll(List.of(m.group(1).split("\\.")));
                }
            }
        }
        Set<String> read = keysRead(WEB_CONFIG_SOURCE);
        assertThat(read).contains("tls_server_config", "basic_auth_users");
        assertThat(read.stream().filter(key -> !documented.contains(key)).toList())
                .as("keys of the web configuration file that docs/security.md does not document").isEmpty();
    }

    private static Set<String> keysRead(Path source) throws IOException {
        Set<String> read = new TreeSet<>();
        Matcher m = READ.matcher(Files.readString(source));
        while (m.find()) {
            read.add(m.group(1));
        }
        return read;
    }

    /**
     * Rows of the tables headed {@code | key | default | meaning |}, each under the last heading or lead-in
     * paragraph naming a section in backticks ({@code ### `redis.<name>`}, {@code `llm.sql` (a list): ...}).
     */
    private static List<KeyRow> keyRows() throws IOException {
        List<KeyRow> rows = new ArrayList<>();
        String section = "";
        boolean inTable = false;
        for (String line : Files.readAllLines(DOC)) {
            if (line.startsWith("#") || line.startsWith("`") && line.contains("):")) {
                Matcher m = CODE.matcher(line.startsWith("#") ? line : line.substring(0, line.indexOf("):")));
                List<String> names = new ArrayList<>();
                while (m.find()) {
                    names.add(m.group(1));
                }
                section = String.join(" ", names);
            }
            if (line.startsWith("| key |")) {
                inTable = true;
            } else if (!line.startsWith("|")) {
                inTable = false;
            } else if (inTable && line.startsWith("| `")) {
                List<String> keys = new ArrayList<>();
                Matcher m = CODE.matcher(line.split("(?<!\\\\)\\|")[1]);
                while (m.find()) {
                    keys.add(m.group(1));
                }
                keys.removeIf(key -> key.endsWith("_file") && keys.contains(key.substring(0, key.length() - 5))); // x read from a file
                rows.add(new KeyRow(section, keys));
            }
        }
        return rows;
    }
}
