package dev.vigil.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

/** Reads a YAML document into nodes with line numbers, turning every failure into a {@link ConfigException}. */
final class YamlFile {
    private YamlFile() {
    }

    static Node read(Path file) throws ConfigException {
        String name = file.toString();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return compose(name, reader);
        } catch (NoSuchFileException e) {
            throw new ConfigException(name, 0, "", "no such file");
        } catch (IOException e) {
            throw new ConfigException(name, 0, "", "cannot read: " + e.getMessage());
        }
    }

    static Node compose(String name, Reader reader) throws ConfigException {
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(true); // YamlSection reports duplicates itself, with the key's path
            return new Yaml(options).compose(reader);
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw new ConfigException(name, line, "", "not valid YAML: " + e.getProblem());
        } catch (YAMLException e) {
            throw new ConfigException(name, 0, "", "not valid YAML: " + e.getMessage());
        }
    }
}
