package dev.vigil.support;

import dev.vigil.config.ConfigException;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.VigilConfig;
import dev.vigil.config.WebConfig;
import dev.vigil.config.WebConfigFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A configuration file as a user writes it, in a test's temporary folder, and what reading it gives: the
 * config, or the error Vigil prints in one line. Each write replaces the file.
 *
 * @param <T> what the file is read into
 */
public final class ConfigFile<T> {
    /** How Vigil reads the file. */
    @FunctionalInterface
    public interface Reader<T> {
        T read(Path file) throws ConfigException;
    }

    private final Path file;
    private final String head;
    private final Reader<T> reader;

    private ConfigFile(Path file, String head, Reader<T> reader) {
        this.file = file;
        this.head = head;
        this.reader = reader;
    }

    /** {@code vigil.yml} in {@code dir}, read with no environment variable set. */
    public static ConfigFile<VigilConfig> vigil(Path dir) {
        return vigil(dir, Map.of());
    }

    /** {@code vigil.yml} in {@code dir}, read with these environment variables (and no other) set. */
    public static ConfigFile<VigilConfig> vigil(Path dir, Map<String, String> env) {
        return new ConfigFile<>(dir.resolve("vigil.yml"), "", new ConfigLoader(env::get)::load);
    }

    /** {@code web.yml} in {@code dir}, the file of {@code server.web_config_file}. */
    public static ConfigFile<WebConfig> web(Path dir) {
        return new ConfigFile<>(dir.resolve("web.yml"), "", WebConfigFile::load);
    }

    /** The same file with {@code lines} written before each test's own (a {@code redis:} section the tests share). */
    public ConfigFile<T> startingWith(String lines) {
        return new ConfigFile<>(file, head + lines, reader);
    }

    public Path path() {
        return file;
    }

    public Path write(String yaml) {
        try {
            return Files.writeString(file, head + yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public T load(String yaml) throws ConfigException {
        return reader.read(write(yaml));
    }

    /** The error reading this YAML gives; fails the test when it reads cleanly. */
    public ConfigException error(String yaml) {
        try {
            reader.read(write(yaml));
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("expected a config error for:\n" + head + yaml);
    }

    /** The line Vigil prints for the error, the folder left out: {@code vigil.yml:6: bullmq[1].queues: ...}. */
    public String errorLine(String yaml) {
        return error(yaml).describe().replace(file.toString(), file.getFileName().toString());
    }
}
