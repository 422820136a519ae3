package dev.vigil.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a command line tool to its end (promtool, amtool), with its output and exit status. */
public final class Command {
    private Command() {
    }

    /** What the tool printed (stdout and stderr together) and how it exited. */
    public record Result(List<String> command, int exitCode, String output) {
        public String describe() {
            return String.join(" ", command) + " exited " + exitCode + ":\n" + output;
        }
    }

    public static Result run(Path directory, Duration timeout, List<String> command) {
        return run(directory, timeout, Map.of(), command, null);
    }

    /** Runs the command with this file as its standard input ({@code promtool check metrics} reads a scrape there). */
    public static Result run(Path directory, Duration timeout, List<String> command, Path stdin) {
        return run(directory, timeout, Map.of(), command, stdin);
    }

    /** The same with more environment variables for the tool (podman's CONTAINERS_CONF). */
    public static Result run(Path directory, Duration timeout, Map<String, String> env, List<String> command) {
        return run(directory, timeout, env, command, null);
    }

    private static Result run(Path directory, Duration timeout, Map<String, String> env, List<String> command, Path stdin) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
            builder.environment().putAll(env);
            if (stdin != null) {
                builder.redirectInput(stdin.toFile());
            }
            Process p = builder.start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout);
            }
            return new Result(command, p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
