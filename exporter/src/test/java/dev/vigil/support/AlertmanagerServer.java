package dev.vigil.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A real Alertmanager (Debian's {@code prometheus-alertmanager} package) on a free loopback port, with the
 * given configuration file, clustering off and its data in a temporary folder removed on close. In CI a
 * missing binary fails the test; elsewhere it is skipped loudly.
 */
public final class AlertmanagerServer implements AutoCloseable {
    private static final String BINARY = System.getProperty("vigil.alertmanager", "prometheus-alertmanager");

    private final ServerProcess server;

    private AlertmanagerServer(ServerProcess server) {
        this.server = server;
    }

    /** Fails in CI and skips elsewhere when Debian's prometheus-alertmanager (and its amtool) is not installed. */
    public static void requireInstalled() {
        ExternalTool.require(ExternalTool.onPath(BINARY, "--version") && ExternalTool.onPath("amtool", "--version"),
                "prometheus-alertmanager and amtool", "apt-get install prometheus-alertmanager");
    }

    public static AlertmanagerServer start(Path configFile) {
        requireInstalled();
        try {
            Path work = Files.createTempDirectory("vigil-alertmanager");
            int port = TestRedis.freePort();
            ServerProcess server = ServerProcess.start("alertmanager", work, port, List.of(BINARY,
                    "--config.file=" + configFile.toAbsolutePath(),
                    "--storage.path=" + work.resolve("data"),
                    "--web.listen-address=127.0.0.1:" + port,
                    // An empty address turns the gossip cluster off: one instance, no peers to wait for.
                    "--cluster.listen-address="));
            try {
                server.awaitReady("/-/ready");
            } catch (AssertionError notReady) {
                server.close();
                throw notReady;
            }
            return new AlertmanagerServer(server);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code host:port}, as Prometheus' alerting configuration takes it. */
    public String hostPort() {
        return "127.0.0.1:" + server.port();
    }

    /** Alertmanager's own log, for failure messages. */
    public String log() {
        return server.log();
    }

    /** The alerts it holds now ({@code /api/v2/alerts}), as JSON text, for failure messages. */
    public String alerts() {
        return server.get("/api/v2/alerts").body();
    }

    @Override
    public void close() {
        server.close();
    }
}
