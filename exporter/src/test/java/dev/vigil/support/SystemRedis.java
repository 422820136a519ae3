package dev.vigil.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's redis-server (7.x), for what the embedded 6.2 binary cannot do: TLS, Cluster, Sentinel and
 * streams' entries-added. CI installs the package; elsewhere the tests that need it skip loudly.
 */
public final class SystemRedis implements AutoCloseable {
    private final int port;
    private final Path dir;
    private final List<String> args;
    private Process process;

    private SystemRedis(int port, Path dir, List<String> args) {
        this.port = port;
        this.dir = dir;
        this.args = args;
    }

    public static void requireInstalled() {
        ExternalTool.require(ExternalTool.onPath("redis-server"), "redis-server (Debian package redis-server, 7.x)",
                "apt-get install redis-server");
    }

    /** A plain server on a free port, with extra redis-server options such as "--cluster-enabled", "yes". */
    public static SystemRedis start(String... extra) {
        return start(TestRedis.freePort(), List.of(extra));
    }

    /** A server listening on {@code port}; pass "--port", "0", "--tls-port", ... for a TLS-only server. */
    public static SystemRedis start(int port, List<String> extra) {
        requireInstalled();
        try {
            Path dir = Files.createTempDirectory("vigil-redis-");
            List<String> args = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no", "--dir", dir.toString()));
            args.addAll(extra);
            SystemRedis redis = new SystemRedis(port, dir, args);
            redis.startServer();
            return redis;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A Sentinel watching the master at {@code masterPort} under the name {@code master}. */
    public static SystemRedis sentinel(int masterPort, String master) {
        requireInstalled();
        try {
            int port = TestRedis.freePort();
            Path dir = Files.createTempDirectory("vigil-sentinel-");
            Path conf = dir.resolve("sentinel.conf");
            Files.writeString(conf, "port " + port + "\nbind 127.0.0.1\ndir " + dir + "\n"
                    + "sentinel monitor " + master + " 127.0.0.1 " + masterPort + " 1\n");
            SystemRedis s = new SystemRedis(port, dir, List.of("redis-server", conf.toString(), "--sentinel"));
            s.startServer();
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void startServer() {
        try {
            process = new ProcessBuilder(args).directory(dir.toFile())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
            awaitPort(listeningPort());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private int listeningPort() {
        return args.contains("--tls-port") ? tlsPort() : port;
    }

    public int tlsPort() {
        return Integer.parseInt(args.get(args.indexOf("--tls-port") + 1));
    }

    private void awaitPort(int p) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server exited: " + log());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", p), 200);
                return;
            } catch (IOException e) {
                RunningExporter.sleep(50);
            }
        }
        throw new IllegalStateException("redis-server did not listen on " + p + ": " + log());
    }

    public String log() {
        try {
            return Files.readString(dir.resolve("redis.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    public int port() {
        return port;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public Path dir() {
        return dir;
    }

    /** redis-cli against this server, for set-up steps such as creating a cluster. */
    public static String cli(String... args) {
        try {
            List<String> cmd = new ArrayList<>(List.of("redis-cli"));
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("redis-cli " + args + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public void stop() {
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        stop();
    }
}
