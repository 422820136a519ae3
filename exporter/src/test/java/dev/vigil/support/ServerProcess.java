package dev.vigil.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A server binary a test runs (Prometheus, Alertmanager) listening on a loopback port: its process, its
 * temporary folder (removed on close) with the log it writes there, and an HTTP client for its API.
 */
public final class ServerProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final int port;
    private final Path work;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private ServerProcess(String name, Process process, int port, Path work) {
        this.name = name;
        this.process = process;
        this.port = port;
        this.work = work;
    }

    /** Starts the command, its output going to {@code <work>/<name>.log}; {@code port} is where it listens. */
    public static ServerProcess start(String name, Path work, int port, List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(work.resolve(name + ".log").toFile()).start();
            return new ServerProcess(name, p, port, work);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits up to a minute for {@code GET path} to answer 200; fails with the server's log if it exits or never does. */
    public void awaitReady(String path) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + ":\n" + log());
            }
            try {
                if (get(path).statusCode() == 200) {
                    return;
                }
            } catch (UncheckedIOException notYet) {
                // still starting
            }
            RunningExporter.sleep(100);
        }
        throw new AssertionError(name + " not ready within 60 s:\n" + log());
    }

    public int port() {
        return port;
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** The server's own log, for failure messages. */
    public String log() {
        try {
            return Files.readString(work.resolve(name + ".log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    public HttpResponse<String> get(String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(20))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops the server (SIGTERM, then SIGKILL after 10 s) and keeps its folder, so that {@link #log} reads all of it. */
    public void stop() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
        try (Stream<Path> files = Files.walk(work)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not remove " + work + ": " + e.getMessage());
        }
    }
}
