package dev.vigil.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Vigil in a JVM of its own, as it runs in a container: a small heap that exits on OutOfMemoryError, and a
 * file-descriptor limit set by the shell that starts it. Runs the test classpath, or the jar named by the
 * system property {@code vigil.jar} (to measure a build of another commit with the same test).
 */
public final class VigilProcess implements AutoCloseable {
    private final ServerProcess process;

    private VigilProcess(ServerProcess process) {
        this.process = process;
    }

    /** Starts Vigil with this YAML (its {@code server.listen} is added), {@code -Xmx<heap>} and {@code ulimit -n <fds>}. */
    public static VigilProcess start(String yaml, String heap, int fds) {
        try {
            Path work = Files.createTempDirectory("vigil-process");
            int port = TestRedis.freePort();
            Path config = work.resolve("vigil.yml");
            Files.writeString(config, "server:\n  listen: 127.0.0.1:" + port + "\n" + yaml);
            List<String> java = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx" + heap, "-XX:+ExitOnOutOfMemoryError"));
            String jar = System.getProperty("vigil.jar");
            java.addAll(jar == null ? List.of("-cp", System.getProperty("java.class.path"), "dev.vigil.Main") : List.of("-jar", jar));
            java.addAll(List.of("--config", config.toString()));
            String command = "ulimit -n " + fds + " && exec " + String.join(" ", java.stream().map(VigilProcess::quote).toList());
            ServerProcess p = ServerProcess.start("vigil", work, port, List.of("sh", "-c", command));
            p.awaitReady("/healthz");
            return new VigilProcess(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String quote(String arg) {
        return "'" + arg.replace("'", "'\\''") + "'";
    }

    public int port() {
        return process.port();
    }

    public boolean alive() {
        return process.alive();
    }

    public String log() {
        return process.log();
    }

    /**
     * {@code GET /metrics} on a connection of its own, as a Prometheus whose kept-alive connection was closed
     * would; returns the milliseconds it took, or throws when it took longer than {@code timeoutMs}.
     */
    public TimedScrape scrape(int timeoutMs) throws IOException {
        long start = System.nanoTime();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port()), timeoutMs);
            s.setSoTimeout(timeoutMs);
            OutputStream out = s.getOutputStream();
            // HTTP/1.0: the body comes unchunked, ended by the server's close.
            out.write("GET /metrics HTTP/1.0\r\nHost: vigil\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            long ms = (System.nanoTime() - start) / 1_000_000;
            if (!response.matches("(?s)HTTP/1\\.[01] 200 .*")) {
                throw new IOException("/metrics answered " + response.lines().findFirst().orElse("nothing"));
            }
            return new TimedScrape(ms, new Scrape(response.substring(response.indexOf("\r\n\r\n") + 4)));
        }
    }

    /** One scrape and how long it took, connection included. */
    public record TimedScrape(long millis, Scrape scrape) {
        /** The JVM's used heap, all pools summed, as Micrometer's binder reports it. */
        public double heapBytes() {
            return scrape.series().entrySet().stream()
                    .filter(e -> e.getKey().startsWith("jvm_memory_used_bytes{") && e.getKey().contains("area=\"heap\""))
                    .mapToDouble(java.util.Map.Entry::getValue).sum();
        }
    }

    @Override
    public void close() {
        process.close();
    }
}
